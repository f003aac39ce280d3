# file: sub/nested.rb
# expect: file=sub/nested.rb
