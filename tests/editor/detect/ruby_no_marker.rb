step "a" do
  puts 1
end
