#? reason: unknown mode 'chek'
# mode: chek
