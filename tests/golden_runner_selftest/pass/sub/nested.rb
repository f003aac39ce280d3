# Found by walking the directory; runs with cwd = its own directory.
# expect: file=nested.rb dir=sub
