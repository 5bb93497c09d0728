"""Generated HTML blocks kept out of the engine's Markdown come back as they were."""

from __future__ import annotations

import re

import markdown
from jinja2 import Environment

from cookbook.html_blocks import BlockStore, HtmlBlocks, inline_blocks

TEMPLATE = """# {{ title }}

{% filter html_block %}
<dl class="facts">
<div><dt>Teema</dt><dd><a href="../themes/launch/">Käynnistys</a></dd></div>
</dl>
{% endfilter %}
{{ body|safe }}
{% for item in items %}{% filter html_block %}<p class="item">{{ item }}</p>{% endfilter %}{% endfor %}
## Lähteet

{% filter html_block %}
<ul>
<li><em>Opas</em>. Vantaa, 2024.</li>
</ul>
{% endfilter %}
<script type="application/ld+json">{"name":"x"}</script>
"""


def render(filter_, body: str) -> str:
    env = Environment(autoescape=True)
    env.filters["html_block"] = filter_
    return env.from_string(TEMPLATE).render(title="Resepti", body=body, items=["a < b", "c"])


def html(text: str) -> str:
    converted = markdown.Markdown(extensions=["toc", "attr_list", "def_list"]).convert(text)
    return re.sub(r"\n+", "\n", converted)  # blank lines between blocks are the one difference


def test_blocks_come_back_where_they_were():
    body = "## Miksi\n\nKaupunki *kokoaa* toimijat.\n"
    blocks = HtmlBlocks([body])
    blocks.start("recipes/x/index.md")
    stashed = render(blocks.stash, body)
    assert "<dl" not in stashed and "<ul>" not in stashed  # the engine does not see them
    restored = BlockStore(blocks.dumps()).restore("recipes/x/index.md", html(stashed))
    assert re.sub(r"\n+", "\n", restored) == html(render(inline_blocks, body))


def test_a_contributors_lookalike_placeholder_is_left_alone():
    body = "Teksti.\n\n<!--cb-0000000000000000-0-->\n"
    blocks = HtmlBlocks([body])
    blocks.start("recipes/x/index.md")
    page = markdown.Markdown().convert(render(blocks.stash, body))
    restored = BlockStore(blocks.dumps()).restore("recipes/x/index.md", page)
    assert "<!--cb-0000000000000000-0-->" in restored
    assert restored.count('class="facts"') == 1


def test_the_token_follows_the_contributed_text():
    assert HtmlBlocks(["Teksti."]).token != HtmlBlocks(["Teksti!"]).token
    assert HtmlBlocks(["Teksti."]).token == HtmlBlocks(["Teksti."]).token  # the same pages, the same bytes
