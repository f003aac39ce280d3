# vim: ft=ruby
runbook "A DSL call in Ruby"
