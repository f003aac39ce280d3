/* bench/anchors/http_anchor.c — the C anchor of the HTTP benchmark (bench/run.sh,
 * docs/benchmarks.md): N GETs of URL through one reused libcurl easy handle, with the options
 * stdlib/std_http.c sets for an http.get (timeouts, protocols, user agent, accepted encodings,
 * keep-alive, body and header callbacks that keep what they receive).
 * Usage: http_anchor URL N — prints the number of 200 responses; exit 1 on a transport error. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *data;
    size_t len, cap;
} buf;

static int buf_add(buf *b, const char *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    return buf_add(ud, p, size * n) ? 0 : size * n;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s URL N\n", argv[0]);
        return 64;
    }
    long n = strtol(argv[2], NULL, 10);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
    CURL *easy = curl_easy_init();
    if (!easy) return 1;
    char errbuf[CURL_ERROR_SIZE];
    buf body = {0}, headers = {0};
    long ok = 0;
    for (long i = 0; i < n; i++) {
        body.len = headers.len = 0;
        errbuf[0] = 0;
        curl_easy_reset(easy); /* as the plugin does: keeps the live connection */
        curl_easy_setopt(easy, CURLOPT_URL, argv[1]);
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_data);
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, &headers);
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "runbook");
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        CURLcode rc = curl_easy_perform(easy);
        if (rc != CURLE_OK) {
            fprintf(stderr, "http_anchor: %s\n", errbuf[0] ? errbuf : curl_easy_strerror(rc));
            return 1;
        }
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        if (status == 200) ok++;
    }
    printf("%ld\n", ok);
    free(body.data);
    free(headers.data);
    curl_easy_cleanup(easy);
    curl_global_cleanup();
    return 0;
}
