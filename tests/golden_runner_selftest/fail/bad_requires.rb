#? reason: unknown requirement 'postgres'
# requires: postgres
