/* cli/lsp.h — `runbook lsp`, the language server (docs/cli.md, docs/editors.md), shared by
 *   cli/lsp.c           transport (Content-Length framing on stdin/stdout), JSON-RPC, lifecycle,
 *                       the open documents and their checks (diagnostics)
 *   cli/lsp_features.c  hover, completion, definition, document symbols; positions
 * The analysis itself is the checker's (compiler/) and compiler/query.h's. */
#ifndef RBK_LSP_H
#define RBK_LSP_H
#include <jansson.h>
#include "../compiler/query.h"

/* The largest message body the server reads (a runbook's sources total at most 64 MiB, and a
 * message carries one document's text, escaped as JSON). A longer one is skipped unread and
 * answered with an error (docs/cli.md). */
#define RBK_LSP_MAX_MESSAGE ((size_t)64 << 20)
/* A didChange's range changes each cost a pass over the document (the position to an offset,
 * the splice): one notification may make at most this many bytes of such passes, the count of
 * its range changes times the document's length before it. A longer one is refused whole (the
 * document stays as it was; a line on stderr: a notification has no answer). */
#define RBK_LSP_MAX_CHANGE_WORK ((uint64_t)1 << 30)
/* The longest header line, and the most header lines of one message. */
enum { RBK_LSP_MAX_HEADER_LINE = 4096, RBK_LSP_MAX_HEADERS = 32 };

/* JSON-RPC and LSP error codes */
enum {
    RBK_LSP_PARSE_ERROR = -32700, RBK_LSP_INVALID_REQUEST = -32600, RBK_LSP_METHOD_NOT_FOUND = -32601,
    RBK_LSP_INVALID_PARAMS = -32602, RBK_LSP_INTERNAL_ERROR = -32603, RBK_LSP_NOT_INITIALIZED = -32002,
    RBK_LSP_REQUEST_FAILED = -32803
};

/* An open document and the last check of its text. */
typedef struct rbk_lsp_doc {
    char *uri;
    char *path;                /* the file path the URI names (modules are found relative to it) */
    char *text;
    size_t len;
    int64_t version;
    /* the last check */
    rbk_sources sources;
    rbk_diags diags;
    rbk_compiler *c;
    int file;                  /* the document's source index in sources */
    char **published;          /* URIs of module files this check published diagnostics for */
    int npublished;
} rbk_lsp_doc;

typedef struct rbk_lsp {
    rbk_lsp_doc **docs;
    int ndocs, capdocs;
    int initialized, shutdown;
    int out_fd;
} rbk_lsp;

/* cli/lsp.c */
int rbk_cli_lsp(int argc, char **argv);
rbk_lsp_doc *rbk_lsp_doc_find(rbk_lsp *s, const char *uri);
void rbk_lsp_send(rbk_lsp *s, json_t *msg); /* takes the reference */
char *rbk_lsp_path_to_uri(const char *path);

/* cli/lsp_features.c: positions. Byte offset <-> LSP position (line, UTF-16 code units). */
json_t *rbk_lsp_position(const rbk_source *src, uint32_t off);
json_t *rbk_lsp_range(const rbk_source *src, uint32_t off, uint32_t end);
/* The byte offset of a position in text (clamped to the line's end and the text's end);
 * -1 when pos is not a position object. */
int64_t rbk_lsp_offset(const char *text, size_t len, const json_t *pos);

/* cli/lsp_features.c: requests on a checked document. Each returns the result (a new
 * reference; json_null() for none). */
json_t *rbk_lsp_hover(rbk_lsp_doc *d, uint32_t off);
json_t *rbk_lsp_definition(rbk_lsp_doc *d, uint32_t off);
json_t *rbk_lsp_symbols(rbk_lsp_doc *d);
json_t *rbk_lsp_completion(rbk_lsp_doc *d, uint32_t off);
/* textDocument/formatting: the edits that put the document in `runbook fmt`'s layout (one edit
 * of the whole text, or none when it is already so); NULL when the text has syntax errors
 * (the formatter refuses it, as `runbook fmt` does), with the first error's words in *why. */
json_t *rbk_lsp_formatting(rbk_lsp_doc *d, char **why);
#endif
