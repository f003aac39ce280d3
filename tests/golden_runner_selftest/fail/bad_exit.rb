#? reason: '# exit:' wants a number
# exit: one
