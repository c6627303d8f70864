#!/usr/bin/env bash
# tools/pagecheck.sh [--min-scale S] [--shots DIR] PAGE.html... - look at
# pages as a reader would, in headless Chromium at 1280 px: every image
# loaded, no figure (an <img>, or an SVG drawn inline) shown smaller than S
# times its own size (default 0.6: below that its labels cannot be read),
# and a screenshot of a sane size.  Prints one line per page; exit status 1
# if any page fails, 2 if Chromium is missing.
set -u

min_scale=0.6
shots=
while [ $# -gt 0 ]; do
    case $1 in
    --min-scale) min_scale=$2; shift 2 ;;
    --shots) shots=$2; shift 2 ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: tools/pagecheck.sh [--min-scale S] [--shots DIR] PAGE.html..." >&2; exit 2; }

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome) ||
    { echo "pagecheck: chromium is not installed (apt-get install chromium)" >&2; exit 2; }
width=1280 height=900
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$shots" ] && mkdir -p "$shots"

# The page is opened in a frame of this width; a script in the frame's
# parent reads what the reader would see (file pages may read each other
# with --allow-file-access-from-files).
measure() {
    cat >"$tmp/frame.html" <<EOF
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="file://$1" style="width:${width}px;height:${height}px;border:0"></iframe>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument, out = [];
  if (!d) { document.body.setAttribute('data-result', 'ERROR the page could not be read'); return; }
  var imgs = d.images;
  for (var i = 0; i < imgs.length; i++) {
    var im = imgs[i], shown = im.getBoundingClientRect().width;
    if (!im.complete || im.naturalWidth === 0)
      out.push('BROKEN ' + im.getAttribute('src'));
    else
      out.push('FIGURE ' + (shown / im.naturalWidth).toFixed(3) + ' ' + im.getAttribute('src'));
  }
  var svgs = d.querySelectorAll('svg[width$="pt"]');
  for (var k = 0; k < svgs.length; k++) {
    var natural = parseFloat(svgs[k].getAttribute('width')) * 4 / 3;
    var t = svgs[k].querySelector('title');
    out.push('FIGURE ' + (svgs[k].getBoundingClientRect().width / natural).toFixed(3) +
             ' inline SVG ' + k + ' (' + (t ? t.textContent : '') + ')');
  }
  out.push('HEIGHT ' + d.documentElement.scrollHeight);
  document.body.setAttribute('data-result', out.join('|'));
};
</script></body></html>
EOF
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
        --virtual-time-budget=15000 --dump-dom "file://$tmp/frame.html" 2>/dev/null |
        grep -o 'data-result="[^"]*"' | sed 's/^data-result="//; s/"$//' | tr '|' '\n'
}

# Width and height of a PNG, from its header.
png_size() {
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", ($1*16777216)+($2*65536)+($3*256)+$4, ($5*16777216)+($6*65536)+($7*256)+$8 }'
}

failed=0
for page in "$@"; do
    abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
    [ -f "$abs" ] || { echo "FAIL $page: no such file"; failed=1; continue; }
    result=$(measure "$abs")
    problems=()
    [ -n "$result" ] || problems+=("Chromium showed nothing")
    figures=0 smallest=
    while IFS= read -r line; do
        case $line in
        BROKEN*) problems+=("image did not load: ${line#BROKEN }") ;;
        ERROR*) problems+=("${line#ERROR }") ;;
        FIGURE*)
            set -- $line
            figures=$((figures + 1))
            if [ -z "$smallest" ] || awk -v a="$2" -v b="$smallest" 'BEGIN { exit !(a < b) }'; then smallest=$2; fi
            if awk -v a="$2" -v m="$min_scale" 'BEGIN { exit !(a < m) }'; then
                shift 2
                problems+=("shown at $2 of its size, too small to read: $*")
            fi ;;
        esac
    done <<<"$result"
    shot=$tmp/shot.png
    # Named by the page and its folder: two reports are both report.html.
    [ -n "$shots" ] && shot=$shots/$(basename "$(dirname "$page")")-$(basename "${page%.html}").png
    rm -f "$shot"
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size=$width,$height --screenshot="$shot" "file://$abs" >/dev/null 2>&1
    if [ ! -s "$shot" ]; then
        problems+=("no screenshot")
    else
        read -r w h < <(png_size "$shot")
        bytes=$(wc -c <"$shot")
        [ "$w" = "$width" ] && [ "$h" = "$height" ] || problems+=("screenshot is ${w}x${h}, not ${width}x${height}")
        [ "$bytes" -gt 10000 ] || problems+=("screenshot of $bytes bytes: a blank page?")
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        echo "ok   $page: $figures figures${smallest:+, the smallest shown at $smallest of its size}"
    else
        failed=1
        for p in "${problems[@]}"; do
            echo "FAIL $page: $p"
        done
    fi
done
exit $failed
