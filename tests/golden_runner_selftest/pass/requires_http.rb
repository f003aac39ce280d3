# requires: http, https
# expect: RBK_HTTP_URL=http://127.0.0.1:9
