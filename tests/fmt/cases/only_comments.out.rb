# only
#   comments

# here
