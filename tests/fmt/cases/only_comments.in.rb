# only
#   comments   


# here
