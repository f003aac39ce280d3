# skip: waiting for the bytecode loader
# expect: never checked
