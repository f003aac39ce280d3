# requires: pg
# expect: this would fail, but the file is skipped: the services env has no RBK_PG_URL
