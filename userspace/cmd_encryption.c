// SPDX-License-Identifier: GPL-2.0
/*
 * pktcapctl encryption: make a sealing key, hand it to the kernel, take it
 * back. The key only ever travels file -> this process -> netlink; it is
 * never printed, and every copy we make is wiped once it has been sent.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "json.h"
#include "keyfile.h"
#include "nl.h"
#include "sealcrypto.h"

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A key on a terminal ends up in scrollback and screen recordings, so
 * genkey only writes to a file or a pipe. A regular file is made 0600
 * before the key goes in; the shell created it with the umask, which
 * may well be 022 (hence "umask 077" in the docs).
 */
static int genkey(void)
{
	uint8_t key[PKTCAP_KEY_LEN];
	struct stat st;
	int err;

	if (isatty(STDOUT_FILENO)) {
		pk_err("encryption genkey", "refusing to write a key to a terminal "
		       "(redirect it: pktcapctl encryption genkey > FILE)");
		return 1;
	}
	if (fstat(STDOUT_FILENO, &st))
		return pk_err_errno("stdout", errno, NULL);
	if (S_ISREG(st.st_mode) && fchmod(STDOUT_FILENO, 0600))
		return pk_err_errno("stdout", errno, NULL);
	err = pk_key_generate(key);
	if (err) {
		explicit_bzero(key, sizeof(key));
		return pk_err_errno("getrandom", err, NULL);
	}
	err = write_all(STDOUT_FILENO, key, sizeof(key));
	explicit_bzero(key, sizeof(key));
	return err ? pk_err_errno("stdout", err, NULL) : 0;
}

/*
 * Send ENCRYPTION with @key (NULL: disable). libnl frees a request once
 * sent; an extra reference keeps it alive so that its copy of the key can
 * be wiped before the memory goes back to the allocator.
 */
static int send_encryption(struct pk_nl *nl, const uint8_t *key)
{
	struct nl_msg *req = pk_nl_req(PKTCAP_CMD_ENCRYPTION, 0);
	struct nlattr *nest;
	int err = -ENOMEM;

	if (!req)
		return err;
	nest = nla_nest_start(req, PKTCAP_A_ENCRYPTION);
	if (!nest || nla_put_u8(req, PKTCAP_A_ENCRYPTION_ENABLED, !!key) ||
	    (key && nla_put(req, PKTCAP_A_ENCRYPTION_KEY, PKTCAP_KEY_LEN, key))) {
		explicit_bzero(nlmsg_hdr(req), nlmsg_hdr(req)->nlmsg_len);
		nlmsg_free(req);
		return err;
	}
	nla_nest_end(req, nest);
	nlmsg_get(req);
	err = pk_nl_send(nl, req, NULL, NULL);
	explicit_bzero(nlmsg_hdr(req), nlmsg_hdr(req)->nlmsg_len);
	nlmsg_free(req);
	return err;
}

static void print_enabled(const struct pk_ctx *ctx, bool on,
			  const uint8_t *key_id)
{
	struct pk_json j;
	unsigned int i;

	if (!ctx->json) {
		printf("encryption %s", on ? "enabled" : "disabled");
		if (on) {
			fputs(", key id ", stdout);
			for (i = 0; i < PKTCAP_KEY_ID_LEN; i++)
				printf("%02x", key_id[i]);
		}
		putchar('\n');
		return;
	}
	pk_json_init(&j, stdout, ctx->pretty);
	pk_json_obj_open(&j, NULL);
	pk_json_bool(&j, "enabled", on);
	if (on)
		pk_json_hex(&j, "key_id", key_id, PKTCAP_KEY_ID_LEN);
	pk_json_obj_close(&j);
	pk_json_finish(&j);
}

static int set(const struct pk_ctx *ctx, const char *key_file)
{
	uint8_t key[PKTCAP_KEY_LEN], id[PKTCAP_KEY_ID_LEN];
	struct pk_nl *nl;
	int err;

	if (key_file && pk_keyfile_read(key_file, key))
		return 1;
	if (key_file && pk_seal_key_id(key, id)) {
		explicit_bzero(key, sizeof(key));
		pk_err("encryption", "cannot compute the key id (OpenSSL)");
		return 1;
	}
	if (pk_nl_open(&nl)) {
		explicit_bzero(key, sizeof(key));
		return 1;
	}
	err = send_encryption(nl, key_file ? key : NULL);
	explicit_bzero(key, sizeof(key));
	if (err)
		err = pk_nl_perror(nl, "encryption", err);
	else
		print_enabled(ctx, key_file, id);
	pk_nl_close(nl);
	return err ? 1 : 0;
}

static int parse_enable(int argc, char **argv, const char **key_file)
{
	static const struct option longopts[] = {
		{ "key-file", required_argument, NULL, 'k' },
		{ 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:", longopts, NULL)) != -1) {
		if (c == 'k')
			*key_file = optarg;
		else
			return pk_usage_error(&pk_cmd_encryption, argv[optind - 1],
					      c == ':' ? "missing argument" :
					      "unknown option");
	}
	if (optind < argc)
		return pk_usage_error(&pk_cmd_encryption, argv[optind],
				      "unexpected argument");
	if (!*key_file)
		return pk_usage_error(&pk_cmd_encryption, "enable",
				      "needs --key-file FILE");
	return 0;
}

static int run(const struct pk_ctx *ctx, int argc, char **argv)
{
	const char *key_file = NULL;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc;

	if (!sub)
		return pk_usage_error(&pk_cmd_encryption, "encryption",
				      "genkey, enable or disable?");
	if (!strcmp(sub, "genkey") || !strcmp(sub, "disable")) {
		if (argc > 2)
			return pk_usage_error(&pk_cmd_encryption, argv[2],
					      "unexpected argument");
		return sub[0] == 'g' ? genkey() : set(ctx, NULL);
	}
	if (strcmp(sub, "enable"))
		return pk_usage_error(&pk_cmd_encryption, sub,
				      "unknown subcommand (genkey, enable, disable)");
	rc = parse_enable(argc - 1, argv + 1, &key_file);
	return rc ? rc : set(ctx, key_file);
}

const struct pk_cmd pk_cmd_encryption = {
	.name = "encryption",
	.args = "genkey > FILE | enable --key-file FILE | disable",
	.summary = "Seal captured packets with AES-256-GCM",
	.help = "  genkey                 write 32 random bytes (a new key) to\n"
		"                         stdout, which must not be a terminal;\n"
		"                         a regular file is made mode 0600\n"
		"                         (create it under umask 077 anyway)\n"
		"  enable -k, --key-file FILE\n"
		"                         seal the packets of sessions started\n"
		"                         from now on with the key in FILE\n"
		"  disable                forget the key: later sessions are in\n"
		"                         the clear\n"
		"A running session keeps the setting it started with; changing\n"
		"it needs pktcapctl stop first. `pktcapctl record` writes sealed\n"
		"sessions in the sealed format; `pktcapctl decrypt` turns them\n"
		"into pcap. See docs/ENCRYPTION.md. enable/disable need\n"
		"CAP_NET_ADMIN.\n",
	.run = run,
};
