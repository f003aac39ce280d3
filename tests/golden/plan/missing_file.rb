# Planning a file that does not exist is a usage error (64), named in the message.
# file: no_such_runbook.rb
# mode: doc
# exit: 64
# expect: runbook doc: cannot read no_such_runbook.rb: No such file or directory
