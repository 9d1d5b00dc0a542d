#!/usr/bin/env python3
"""Draws a flame graph as SVG from async-profiler's collapsed stacks (one "frame;frame;... count" per line).

    benchmarks/flamegraph.py collapsed.txt out.svg --title "scan-100, before" [--only 'DatabaseBenchmark$Side.scan']

--only keeps the stacks through that frame and starts the graph there, so the workload's own time fills the width.
Colours: Cloak (blue), the JDK's and Tink's cryptography (orange), pgjdbc (green), everything else (grey). Hovering
a box shows its frame, samples and share of the graph.
"""
import argparse
import html

WIDTH = 1200
ROW = 16
FONT = 11


def colour(frame):
    if 'dev/cloak/' in frame:
        return '#6a9fd8'
    if 'crypto' in frame or 'Cipher' in frame or 'aescrypt' in frame or 'ghash' in frame or 'AESCrypt' in frame:
        return '#f0a040'
    if 'org/postgresql' in frame:
        return '#7cc47c'
    return '#c8c8c8'


def tree(lines, only):
    root = {'n': 0, 'kids': {}}
    for line in lines:
        line = line.strip()
        if not line:
            continue
        stack, count = line.rsplit(' ', 1)
        frames = stack.split(';')
        if only:
            matches = [i for i, f in enumerate(frames) if f.endswith(only)]
            if not matches:
                continue
            frames = frames[matches[0]:]
        node = root
        node['n'] += int(count)
        for frame in frames:
            node = node['kids'].setdefault(frame, {'n': 0, 'kids': {}})
            node['n'] += int(count)
    return root


def draw(root, title):
    total = root['n'] or 1
    boxes = []
    depth = [0]

    def walk(node, name, x, level):
        width = WIDTH * node['n'] / total
        if width < 0.3:
            return
        depth[0] = max(depth[0], level)
        boxes.append((name, x, level, width, node['n']))
        child_x = x
        for child, kid in sorted(node['kids'].items()):
            walk(kid, child, child_x, level + 1)
            child_x += WIDTH * kid['n'] / total

    walk(root, 'all', 0, 0)
    height = (depth[0] + 1) * ROW + 40
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="monospace" '
           'font-size="%d">' % (WIDTH, height, FONT),
           '<rect width="100%%" height="100%%" fill="#ffffff"/>',
           '<text x="4" y="16" font-size="14">%s (%d samples)</text>' % (html.escape(title), total)]
    for name, x, level, width, n in boxes:
        y = height - (level + 1) * ROW
        label = name.split('/')[-1]
        share = 100.0 * n / total
        out.append('<g><title>%s (%d samples, %.1f%%)</title><rect x="%.1f" y="%d" width="%.1f" height="%d" '
                   'fill="%s" stroke="#ffffff" stroke-width="0.5"/>'
                   % (html.escape(name), n, share, x, y, width, ROW - 1, colour(name)))
        chars = int(width / (FONT * 0.6)) - 1
        if chars >= 3:
            text = label if len(label) <= chars else label[:chars - 2] + '..'
            out.append('<text x="%.1f" y="%d">%s</text>' % (x + 2, y + ROW - 4, html.escape(text)))
        out.append('</g>')
    out.append('</svg>')
    return '\n'.join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('collapsed')
    parser.add_argument('svg')
    parser.add_argument('--title', default='')
    parser.add_argument('--only', default=None)
    args = parser.parse_args()
    with open(args.collapsed) as f:
        root = tree(f, args.only)
    with open(args.svg, 'w') as f:
        f.write(draw(root, args.title or args.collapsed))


if __name__ == '__main__':
    main()
