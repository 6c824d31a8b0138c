/* Base64 through OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock, with the
 * strict checks EVP_DecodeBlock leaves out (it accepts '=' anywhere and
 * counts padding as output bytes). */
#include "config.h"

#include <string.h>

#include <openssl/evp.h>

#include "rpc/auth.h"
#include "util/buf.h"
#include "util/checked.h"

bool rpc_base64_encode(struct buf *out, const void *data, size_t len)
{
	size_t need;
	if (len > (size_t)INT32_MAX / 2 || !checked_mul_size(&need, (len + 2) / 3, 4) ||
	    !buf_reserve(out, need + 1))
		return false;
	int n = EVP_EncodeBlock(out->data + out->len, data, (int)len);
	out->len += (size_t)n;
	out->data[out->len] = 0;
	return buf_ok(out);
}

static bool rpc_base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* The number of padding characters, or -1 when text is not canonical. */
static int rpc_base64_padding(const char *text, size_t len)
{
	if (len % 4 != 0)
		return -1;
	int pad = 0;
	while (pad < 2 && len > (size_t)pad && text[len - 1 - (size_t)pad] == '=')
		pad++;
	for (size_t i = 0; i < len - (size_t)pad; i++)
		if (!rpc_base64_char(text[i]))
			return -1;
	return pad;
}

bool rpc_base64_decode(struct buf *out, const char *text, size_t len)
{
	int pad = rpc_base64_padding(text, len);
	if (pad < 0 || len > (size_t)INT32_MAX)
		return false;
	if (len == 0)
		return true;
	size_t start = out->len;
	if (!buf_reserve(out, len / 4 * 3 + 1))
		return false;
	int n = EVP_DecodeBlock(out->data + start, (const unsigned char *)text, (int)len);
	if (n < pad) {
		out->data[start] = 0;
		return false;
	}
	out->len = start + (size_t)(n - pad);
	out->data[out->len] = 0;
	return true;
}
