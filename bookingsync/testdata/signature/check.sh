#!/usr/bin/env bash
# Cross-checks vectors.json without Ruby: bodies from python3,
# Base64 from GNU coreutils (`base64 -w 60`, the same 60-column lines with a
# final newline as Ruby's Base64.encode64), HMAC-SHA1 from the openssl CLI.
#
#   bash testdata/signature/check.sh
set -euo pipefail
cd "$(dirname "$0")"
secret=$(python3 -c 'import json; print(json.load(open("vectors.json"))["secret"])')
fail=0
for n in $(python3 -c 'import json; print(" ".join(str(v["length"]) for v in json.load(open("vectors.json"))["vectors"]))'); do
	body=$(mktemp)
	python3 -c 'import sys; n=int(sys.argv[1]); sys.stdout.buffer.write(bytes((31*i+7)%256 for i in range(n)))' "$n" >"$body"
	wrapped=$(base64 -w 60 <"$body" | openssl dgst -sha1 -hmac "$secret" -r | cut -d' ' -f1)
	strict=$(base64 -w 0 <"$body" | openssl dgst -sha1 -hmac "$secret" -r | cut -d' ' -f1)
	rm -f "$body"
	want=$(python3 -c 'import json,sys; v=[v for v in json.load(open("vectors.json"))["vectors"] if v["length"]==int(sys.argv[1])][0]; print(v["signature"], v["strict_signature"])' "$n")
	if [ "$wrapped $strict" != "$want" ]; then
		echo "length $n: got $wrapped $strict, want $want"
		fail=1
	else
		echo "length $n: ok"
	fi
done
exit $fail
