# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Every relative link of README.md and docs/ reaches a file of the
repository, and every anchor a heading of the page it names (GitHub's
heading ids)."""
import glob
import os.path as osp
import re
from typing import Dict, List, Set

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PAGES = [osp.join(REPO, 'README.md'), osp.join(REPO, 'CHANGELOG.md')] + \
    sorted(glob.glob(osp.join(REPO, 'docs', '**', '*.md'), recursive=True))
LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)|<a href="([^"]+)"')


def heading_ids(page: str) -> Set[str]:
    """The anchors GitHub makes of a page's headings: lower case, spaces to
    hyphens, punctuation other than ``-`` and ``_`` dropped; a repeated
    heading gets ``-1``, ``-2``, ..."""
    ids: Dict[str, int] = {}
    found = set()
    with open(page, encoding='utf-8') as f:
        text = re.sub(r'```.*?```', '', f.read(), flags=re.S)
    for title in re.findall(r'^#{1,6}\s+(.*?)\s*#*\s*$', text, re.M):
        title = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', title)  # link text
        slug = re.sub(r'[^\w\- ]', '', title.lower()).replace(' ', '-')
        count = ids.get(slug, 0)
        ids[slug] = count + 1
        found.add(slug if not count else f'{slug}-{count}')
    return found


def page_links(page: str) -> List[str]:
    """The link targets of a page outside its code blocks."""
    with open(page, encoding='utf-8') as f:
        text = re.sub(r'```.*?```', '', f.read(), flags=re.S)
    text = re.sub(r'`[^`\n]*`', '', text)  # inline code
    return [a or b for a, b in LINK.findall(text)]


def test_heading_ids_as_github_makes_them(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text('# The quick start in detail\n## Faces at any roll: '
                    'upright crops\n```\n# not a heading\n```\n## Notes\n'
                    '## Notes\n### `FaceLandmarker` and [video](video.md)\n')
    assert heading_ids(str(page)) == {
        'the-quick-start-in-detail', 'faces-at-any-roll-upright-crops',
        'notes', 'notes-1', 'facelandmarker-and-video'}


@pytest.mark.parametrize('page', PAGES, ids=lambda p: osp.relpath(p, REPO))
def test_relative_links_and_anchors(page):
    broken = []
    for target in page_links(page):
        if re.match(r'[a-z]+:', target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition('#')
        if not path:
            file = page
        elif path.startswith('/'):
            file = osp.join(REPO, path.lstrip('/'))
        else:
            file = osp.normpath(osp.join(osp.dirname(page), path))
        if not osp.exists(file):
            broken.append(f'{target}: no file {osp.relpath(file, REPO)}')
        elif anchor and (not file.endswith('.md')
                         or anchor not in heading_ids(file)):
            broken.append(f'{target}: no heading #{anchor} in '
                          f'{osp.relpath(file, REPO)}')
    assert not broken, broken
