#!/bin/sh
# tests/pdf/run.sh: the PDFs of every bundled contract, read back with
# poppler (pdftotext, pdfinfo, pdffonts).
#
#   sh tests/pdf/run.sh BUILD/clausegen
#
# For each contract and each PDF it asks for: every clause the PDF must list
# is there with its number and opening words, no clause outside it is; the
# "n / N" footers match the page count; the header strings are there; every
# font is embedded and subset; title, author and subject are set. A second
# build must give the same bytes. Bad input: no fonts (exit 3, nothing
# written), a contract naming a checklist but no vendor (exit 1). Run from the
# repository root.
set -u
bin=${1:?usage: run.sh path/to/clausegen}
for tool in pdftotext pdfinfo pdffonts; do
	command -v $tool >/dev/null 2>&1 || { echo "pdf: $tool (poppler-utils) is required"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export CLAUSEGEN_ROOT=.
export SOURCE_DATE_EPOCH=1767225600
# The source cache beside the binary, never in $HOME (ctest sets the same).
export CLAUSEGEN_CACHE_DIR="${CLAUSEGEN_CACHE_DIR:-$(dirname "$bin")/cache}"
export LC_ALL=C.UTF-8
failed=0
passed=0
fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

# Text without any white space (line breaks inside Japanese text are not
# word breaks), so that words can be found across line ends.
flat() {
	# tr works on bytes: only ASCII white space through it.
	tr -d ' \t\r\f\n' | sed -e 's/　//g'
}

"$bin" build -o "$tmp/b1" 2> "$tmp/err1" || { fail "build: $(cat "$tmp/err1")"; }
"$bin" build -o "$tmp/b2" 2> /dev/null || fail "second build"

# clauses.tsv per contract: id, verdict, path, label, opening words, from the
# HTML annex (the same model) and selection.json.
clauses() { # dir
	awk '
	/<section class="sec depth-/ {
		d = $0; sub(/.*depth-/, "", d); sub(/".*/, "", d); secd = d + 0; want = "sec"; next
	}
	want == "sec" && /<span class="num">/ {
		l = $0; sub(/.*<span class="num">/, "", l); sub(/<\/span>.*/, "", l)
		lab[secd] = l; want = ""; next
	}
	/<div class="clause depth-/ {
		d = $0; sub(/.*depth-/, "", d); sub(/".*/, "", d); cd = d + 0
		id = $0; sub(/.* id="/, "", id); sub(/".*/, "", id); want = "num"; next
	}
	want == "num" && /<span class="num">/ {
		l = $0; sub(/.*<span class="num">/, "", l); sub(/<\/span>.*/, "", l)
		lab[cd] = l; want = "text"; next
	}
	want == "text" && /^<(p|li)/ {
		t = $0; gsub(/<[^>]*>/, "", t)
		if (t == "") next
		path = lab[0]
		for (i = 1; i <= cd; i++) path = path (i == 1 ? "の" : "") lab[i]
		list = ($0 ~ /^<li/) ? 1 : 0
		print id "\t" path "\t" lab[cd] "\t" list "\t" t
		want = ""
	}' "$1/annex.html" | sed -e 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g' > "$tmp/html.tsv"
	# id -> verdict and raw text from selection.json (one key per line).
	awk -F'"' '
	/^      "id": / { id = $4 }
	/^      "text": / { text = $4 }
	/^      "verdict": / { print id "\t" $4 "\t" text }' "$1/selection.json" > "$tmp/verdicts.tsv"
}

opening() { # text -> its first 12 characters, white space and bullets removed
	printf '%s' "$1" | flat | sed -e 's/^・//' | sed -E 's/^(.{12}).*/\1/'
}

for dir in "$tmp"/b1/*/; do
	id=$(basename "$dir")
	[ -f "$dir/annex.html" ] || continue
	clauses "$dir"
	contract=specs/contracts/$id.yaml
	title=$(sed -n 's/^title: *//p' "$contract" | head -1)
	vendor=$(sed -n 's/^vendor: *//p' "$contract" | head -1)
	for pdf in "$dir"/*.pdf; do
		name=$(basename "$pdf" .pdf)
		what="$id/$name.pdf"
		ok=1
		pdftotext "$pdf" - 2>/dev/null | flat > "$tmp/text"
		pdftotext -raw "$pdf" - 2>/dev/null | flat > "$tmp/raw"
		# Which clauses this PDF lists: the documents every clause of the
		# model; delivery and periodic checklists those the annex binds.
		case $name in
		checklist-delivery|checklist-periodic) bound=1 ;;
		*) bound=0 ;;
		esac
		while IFS='	' read -r cid path label list text; do
			verdict=$(awk -F'\t' -v id="$cid" '$1 == id { print $2 }' "$tmp/verdicts.tsv")
			words=$(opening "$text")
			if [ $bound -eq 1 ] && [ "$verdict" = not-applicable ]; then
				# In the documents but not bound: not in this checklist
				# (checked when no other clause opens with the same words).
				if [ "$(awk -F'\t' -v w="$words" 'index($5, w) { n++ } END { print n + 0 }' "$tmp/html.tsv")" -le 1 ] &&
				   grep -qF "$words" "$tmp/raw"; then
					fail "$what: lists $cid ($path), which the contract does not bind"
					ok=0
				fi
				continue
			fi
			case $name in
			checklist-*)
				if ! grep -qF "$path" "$tmp/text"; then
					fail "$what: no annex number $path of $cid"; ok=0
				fi
				if ! grep -qF "$words" "$tmp/text" && ! grep -qF "$words" "$tmp/raw"; then
					fail "$what: no opening words '$words' of $cid"; ok=0
				fi
				;;
			*)
				# The number opens the clause's first line: label and words
				# read together (a list body has its bullet between).
				if [ "$list" = 1 ]; then
					grep -qF "$words" "$tmp/text" || { fail "$what: no '$words' of $cid"; ok=0; }
				elif ! grep -qF "$label$words" "$tmp/text"; then
					fail "$what: no '$label$words' ($cid) in reading order"; ok=0
				fi
				;;
			esac
		done < "$tmp/html.tsv"
		# Clauses in no document must be in no PDF.
		while IFS='	' read -r cid verdict text; do
			grep -q "^$cid	" "$tmp/html.tsv" && continue
			words=$(printf '%s' "$text" | sed -e 's/\\n/ /g; s/^- //' | flat | sed -e 's/^・//' | sed -E 's/^(.{16}).*/\1/')
			[ -n "$words" ] || continue
			# Only words no clause of the documents shares.
			awk -F'\t' -v w="$words" 'index($5, w) { f = 1 } END { exit !f }' "$tmp/html.tsv" && continue
			if grep -qF "$words" "$tmp/text"; then
				fail "$what: has '$words' of $cid, which is in no document"; ok=0
			fi
		done < "$tmp/verdicts.tsv"
		# Pages and their footers.
		pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
		n=1
		while [ "$n" -le "$pages" ]; do
			grep -qF "$n/$pages" "$tmp/raw" || { fail "$what: no footer '$n / $pages'"; ok=0; }
			n=$((n + 1))
		done
		# Header strings.
		grep -qF "$(printf '%s' "$title" | flat)" "$tmp/text" || { fail "$what: no contract title"; ok=0; }
		case $name in
		checklist-*)
			for s in 確認欄 適合 不適合 該当なし 備考 確認者 日付 印 確認日 "$(printf '%s' "$vendor" | flat)"; do
				grep -qF "$s" "$tmp/text" || { fail "$what: no '$s'"; ok=0; }
			done ;;
		esac
		# Fonts: every one embedded and subset.
		if pdffonts "$pdf" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes") { bad = 1 } NR > 2 { n++ } END { exit !(n > 0 && !bad) }'; then :; else
			fail "$what: a font is not embedded and subset:"; pdffonts "$pdf"; ok=0
		fi
		for key in Title Author Subject CreationDate; do
			pdfinfo "$pdf" | grep -q "^$key: *[^ ]" || { fail "$what: no $key"; ok=0; }
		done
		pdfinfo "$pdf" | grep -q "^CreationDate: *Thu Jan  1 00:00:00 2026" || { fail "$what: creation date is not SOURCE_DATE_EPOCH"; ok=0; }
		# Rebuilt: the same bytes.
		cmp -s "$pdf" "$tmp/b2/$id/$name.pdf" || { fail "$what: a rebuild differs"; ok=0; }
		[ $ok -eq 1 ] && passed=$((passed + 1))
	done
done
[ "$passed" -gt 0 ] || fail "no PDF was checked"

# No fonts at all: exit 3 and no PDF.
cat > "$tmp/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$tmp/nofonts</dir><cachedir>$tmp/fccache</cachedir></fontconfig>
EOF
mkdir -p "$tmp/nofonts"
FONTCONFIG_FILE="$tmp/fonts.conf" "$bin" build -o "$tmp/nf" specs/contracts/shinagawa-dev-shisetsu.yaml > /dev/null 2> "$tmp/nf.err"
st=$?
if [ $st -ne 3 ] || ! grep -q "no 明朝 (serif) font for the PDFs" "$tmp/nf.err" || [ -e "$tmp/nf/shinagawa-dev-shisetsu" ]; then
	fail "no fonts: exit $st, $(cat "$tmp/nf.err")"
else
	passed=$((passed + 1))
fi

# A contract that names a checklist but has no vendor: exit 1 at its id.
printf 'id: novendor\ntitle: t\nsource: shinagawa\ncategory: dc\nclass: I\ndocuments: [annex, checklist-delivery]\n' > "$tmp/nv.yaml"
"$bin" build -o "$tmp/nv" "$tmp/nv.yaml" > /dev/null 2> "$tmp/nv.err"
st=$?
if [ $st -ne 1 ] || ! grep -q "nv.yaml:1:5: error: contract 'novendor' has no 'vendor'" "$tmp/nv.err" || [ -e "$tmp/nv/novendor" ]; then
	fail "no vendor: exit $st, $(cat "$tmp/nv.err")"
else
	passed=$((passed + 1))
fi

echo "pdf: $passed passed, $failed failed"
[ $failed -eq 0 ]
