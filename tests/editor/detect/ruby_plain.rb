require "json"

class Runbook
  def initialize(title)
    @title = title
  end
end
