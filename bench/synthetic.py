"""Synthetic cookbooks in the real recipe format, for the benchmark.

`generate(target, count, seed)` makes a project folder like tests/conftest.py's copy_project
(configuration, templates and content copied, the cookbook package linked) with `count` made-up
recipes in Finnish and English that pass `build.py check --strict`. The text is built from word
lists with one random.Random(seed), so the same seed gives byte-identical files.

    python bench/synthetic.py TARGET COUNT [--seed N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("cookbook.yml", "mkdocs.yml")
PROJECT_DIRS = ("templates", "content")
MARKER = ".synthetic-cookbook"  # marks a folder generate() made, so it may replace it
UPDATED = "2026-06-01"  # fixed, so that the files do not depend on the day they are made
WORDS_PER_BODY = (600, 850)
WRAP = 88

# Body text: words in the domain's vocabulary, drawn at random into sentences.
FI_WORDS = """
yritykset kaupunki kaupungin alueen klusteri klusterin verkosto verkoston yhteistyö yhteistyön
toimijat toimijoiden oppilaitokset oppilaitosten hanke hankkeen kehittäjä kehittäjät yrittäjät
yrittäjien ekosysteemi ekosysteemin kokeilu kokeilun työpaja työpajan tilaisuus tilaisuuden
ohjausryhmä ohjausryhmän rahoitus rahoituksen mittari mittarit tavoite tavoitteet tulokset
tulosten osaaminen osaamisen palvelu palvelut asiakkaat asiakkaiden kumppanit kumppaneiden
yhteinen yhteisen yhteisesti uusi uuden uusia pieni pienet selkeä selkeät tärkeä tärkeää
käytännön pitkäjänteinen nopeasti yhdessä vähitellen säännöllisesti aluksi lopuksi myöhemmin
kehittävät kehittää sopivat sopia kokoavat kokoaa kutsuvat kutsuu valitsevat valitsee
kirjaavat kirjaa arvioivat arvioi seuraavat seuraa jakavat jakaa oppivat oppii tarjoavat
rakentavat rakentaa käynnistävät käynnistää vahvistaa vahvistuu laajenee syntyy toimii
ja sekä tai mutta kun jotta koska että joka jotka myös vielä aina usein kanssa avulla
kautta aikana jälkeen ennen välillä mukaan mukana esimerkiksi erityisesti kuitenkin siksi
tieto tiedon kokemukset kokemuksia ratkaisu ratkaisut haaste haasteet tarve tarpeet
vuorovaikutus luottamus luottamuksen vastuu vastuut rooli roolit aikataulu aikataulun
viestintä viestinnän tapaaminen tapaamiset kysely kyselyn palaute palautteen tutkimus
elinvoima elinvoiman innovaatio innovaatiot kasvu kasvun kehitys muutos muutoksen
""".split()
EN_WORDS = """
companies city the region cluster network cooperation actors partners schools universities
project developers entrepreneurs ecosystem pilot workshop event steering group funding metric
metrics goal goals results skills services customers people team teams shared new small
clear important practical long-term quickly together gradually regularly first finally later
develop agree gather invite choose record evaluate follow share learn offer build launch
strengthen grows expands emerges works and or but when so that because which who also still
always often with through during after before between along for example especially however
therefore knowledge experience solutions challenge challenges needs interaction trust
responsibility roles schedule communication meeting meetings survey feedback research vitality
innovation growth development change in of to from on at by each every their its this these
""".split()

# Titles: one of each list, the Finnish and English lists in step, so a recipe's two titles match.
TITLE_HEADS = [
    ("Alueellinen", "Regional"), ("Kevyt", "Light"), ("Yhteinen", "Shared"), ("Avoin", "Open"),
    ("Digitaalinen", "Digital"), ("Kestävä", "Sustainable"), ("Nopea", "Rapid"), ("Jatkuva", "Continuous"),
    ("Kansainvälinen", "International"), ("Paikallinen", "Local"), ("Temaattinen", "Thematic"),
    ("Kokeileva", "Experimental"), ("Vuosittainen", "Annual"), ("Kuukausittainen", "Monthly"),
    ("Pienimuotoinen", "Small-scale"),
]
TITLE_CORES = [
    ("haastepaja", "challenge workshop"), ("yrittäjäaamu", "entrepreneur breakfast"),
    ("kokeilualusta", "pilot platform"), ("verkostokartta", "network map"), ("mentorointiohjelma", "mentoring programme"),
    ("vertaisryhmä", "peer group"), ("innovaatiokilpailu", "innovation contest"), ("yritysvierailu", "company visit"),
    ("hankevalmennus", "project coaching"), ("tiedonjakofoorumi", "knowledge-sharing forum"),
    ("ideointisprintti", "ideation sprint"), ("kumppanuussopimus", "partnership agreement"),
    ("osaamiskartoitus", "skills survey"), ("yhteiskehittämisen malli", "co-creation model"),
    ("klusterifoorumi", "cluster forum"), ("palautekierros", "feedback round"),
    ("tulosseminaari", "results seminar"), ("yhteisömanagerointi", "community management"),
    ("vaikutusarviointi", "impact assessment"), ("opintomatka", "study trip"),
]
TITLE_TAILS = [
    ("kaupungeille", "for cities"), ("pk-yrityksille", "for SMEs"), ("oppilaitosten kanssa", "with schools"),
    ("rahoittajien kanssa", "with funders"), ("järjestöille", "for associations"), ("kasvuyrityksille", "for start-ups"),
    ("maakunnassa", "in the region"), ("naapurikuntien kesken", "between neighbouring municipalities"),
    ("teollisuudelle", "for industry"), ("palvelualoille", "for service sectors"),
    ("tutkimuslaitosten kanssa", "with research institutes"), ("kaupunkiseudulla", "in the urban area"),
]
# Tags: no two are one letter apart (check warns on a lone tag next to a similar one).
FI_TAGS = """klusterit verkostot yhteiskehittäminen kokeilut rahoitus mittaaminen oppiminen työpajat
viestintä kaupunkiyhteistyö yritysyhteistyö elinvoima innovaatiot osaaminen yhteisö palvelumuotoilu
vaikuttavuus kansainvälisyys kestävyys digitalisaatio""".split()
EN_TAGS = """clusters networks co-creation pilots funding measurement learning workshops communication
city-cooperation business-cooperation vitality innovation skills community service-design impact
internationalisation sustainability digitalisation""".split()
METRICS = [
    ("Osallistuneet yritykset", "Participating companies"), ("Järjestetyt työpajat", "Workshops held"),
    ("Uudet yhteistyösopimukset", "New cooperation agreements"), ("Käynnistetyt kokeilut", "Pilots launched"),
    ("Osallistujien tyytyväisyys", "Participant satisfaction"), ("Hankehakemukset", "Project applications"),
    ("Käytetty työaika", "Working time spent"), ("Saatu ulkopuolinen rahoitus", "External funding raised"),
    ("Syntyneet ideat", "Ideas generated"), ("Mukana olevat organisaatiot", "Organisations involved"),
    ("Uudet tuotteet ja palvelut", "New products and services"), ("Tapaamisten määrä", "Number of meetings"),
]
UNITS = ["count", "percent", "eur", "hours", "people", "participants", "companies", "organisations",
         "events", "meetings", "workshops", "projects", "applications", "ideas", "score-1-5"]
DATA_SOURCES = [("Osallistujalistat", "Attendance lists"), ("Palautekysely", "Feedback survey"),
                ("Asiakkuudenhallintajärjestelmä", "CRM system"), ("Hankkeen seurantaraportit", "Project monitoring reports"),
                ("Rahoituspäätökset", "Funding decisions")]
FREQUENCIES = [("kuukausittain", "monthly"), ("neljännesvuosittain", "quarterly"), ("vuosittain", "yearly"),
               ("jokaisen tilaisuuden jälkeen", "after each event"), ("puolen vuoden välein", "every six months")]
METHODS = [
    ("Haastekartta", "Challenge map"), ("Pikatreffit", "Speed dating"), ("Palvelupolun kuvaus", "Service journey mapping"),
    ("Vertaismentorointi", "Peer mentoring"), ("Arvolupaus", "Value proposition"), ("Aiesopimus", "Letter of intent"),
    ("Fasilitoitu ideointi", "Facilitated ideation"), ("Sidosryhmäanalyysi", "Stakeholder analysis"),
    ("Oppimiskahvila", "Learning café"), ("Kokeilukortti", "Pilot canvas"),
]
PLACES = ["Vantaa", "Helsinki", "Espoo", "Tampere", "Turku", "Oulu", "Jyväskylä", "Lahti", "Kuopio", "Joensuu"]
PUBLISHERS = [("Vantaan kaupunki", "City of Vantaa"), ("Business Finland", "Business Finland"),
              ("Työ- ja elinkeinoministeriö", "Ministry of Economic Affairs and Employment"),
              ("Sitra", "Sitra"), ("Kuntaliitto", "Association of Finnish Municipalities")]


def generate(target: Path, count: int, seed: int = 1) -> Path:
    """A complete project folder at `target` with `count` recipes; replaces one made before."""
    target = Path(target)
    copy_project(target)
    keep_generated_languages(target)
    rng = random.Random(seed)
    taxonomy = yaml.safe_load((ROOT / "recipes" / "taxonomy.yml").read_text(encoding="utf-8"))
    vocab = {key: [term["id"] for term in terms] for key, terms in taxonomy.items()}
    titles = pick_titles(rng, count)
    ids = unique_ids(fi for fi, _ in titles)
    for index, (recipe_id, (fi_title, en_title)) in enumerate(zip(ids, titles)):
        others = [other for other in ids if other != recipe_id]
        recipe = make_recipe(rng, vocab, index, fi_title, en_title, rng.sample(others, min(len(others), rng.randint(1, 3))))
        folder = target / "recipes" / recipe_id
        folder.mkdir()
        for lang, text in recipe.items():
            (folder / f"{lang}.md").write_text(text, encoding="utf-8", newline="\n")
    return target


def copy_shipped(target: Path) -> Path:
    """A copy of this repository's own cookbook at `target` (replacing one made before)."""
    target = Path(target)
    copy_project(target)
    for folder in sorted((ROOT / "recipes").iterdir()):
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            shutil.copytree(folder, target / "recipes" / folder.name)
    return target


def copy_project(target: Path) -> None:
    """As tests/conftest.py: the configuration, templates and content copied, the code linked.
    A folder made before is replaced; any other is left alone (FileExistsError)."""
    if target.exists():
        if not (target / MARKER).is_file():
            raise FileExistsError(f"{target} exists and was not made by bench/synthetic.py")
        shutil.rmtree(target)
    (target / "recipes").mkdir(parents=True)
    (target / MARKER).write_text("made by bench/synthetic.py\n", encoding="utf-8")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name)
    for vocabulary in (ROOT / "recipes").glob("*.yml"):  # taxonomy.yml, eu_indicators.yml
        shutil.copy2(vocabulary, target / "recipes" / vocabulary.name)
    (target / "cookbook").symlink_to(ROOT / "cookbook")


def keep_generated_languages(target: Path) -> None:
    """The languages the generator writes (fi and en), whatever the shipped cookbook has: the
    bench's sizes stay comparable from run to run, and no edition is left without recipes."""
    settings = target / "cookbook.yml"
    codes = ", ".join(language.code for language in LANGUAGES)
    settings.write_text(re.sub(r"^languages: \[.*\]", f"languages: [{codes}]", settings.read_text(encoding="utf-8"), flags=re.M),
                        encoding="utf-8")
    for page in (target / "content").rglob("*.md"):
        if page.name.split(".")[-2] not in {language.code for language in LANGUAGES}:
            page.unlink()


def pick_titles(rng: random.Random, count: int) -> list[tuple[str, str]]:
    combos = list(itertools.product(TITLE_HEADS, TITLE_CORES, TITLE_TAILS))
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} recipes: there are no more distinct titles")
    return [(f"{h[0]} {c[0]} {t[0]}", f"{h[1]} {c[1]} {t[1]}") for h, c, t in rng.sample(combos, count)]


def slug(text: str) -> str:
    ascii_text = text.casefold().translate(str.maketrans("äöå", "aoa"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def unique_ids(titles: Iterable[str]) -> list[str]:
    ids: list[str] = []
    for title in titles:
        base = candidate = slug(title)
        n = 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    return ids


# ---- One recipe ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Language:
    """What the text of one language is made of; `pick` is its index in the (fi, en) pairs."""
    code: str
    pick: int
    words: list[str]
    tags: list[str]
    headings: tuple[str, str, str, str]  # why, steps, tips, pitfalls
    case: str
    guide: str
    authors: str


LANGUAGES = (
    Language("fi", 0, FI_WORDS, FI_TAGS, ("Miksi", "Vaiheet", "Vinkit", "Sudenkuopat"),
             "Esimerkkihanke", "Kehittämisopas", "Synteettinen toimitus"),
    Language("en", 1, EN_WORDS, EN_TAGS, ("Why", "Steps", "Tips", "Pitfalls"),
             "Example project", "Development guide", "Synthetic editors"),
)


@dataclass(frozen=True)
class Plan:
    """The choices both files of a recipe share: the language-neutral fields, which metrics and
    methods (as (fi, en) pairs), and the body's shape."""
    number: int
    titles: tuple[str, str]
    neutral: dict[str, Any]
    metrics: list[dict[str, Any]]
    methods: list[tuple[str, str]]
    related: list[str]
    publisher: tuple[str, str]
    place: str
    year: int
    shape: dict[str, list[int]]
    evidence: str  # how proven: never 'evaluated', which would need an evaluation cited


def make_recipe(rng: random.Random, vocab: dict[str, list[str]], index: int, fi_title: str, en_title: str,
                related: list[str]) -> dict[str, str]:
    """fi.md and en.md of one recipe."""
    count = rng.randint(3, 5)
    levels = [rng.choice(vocab["metric_levels"]) for _ in range(count)]
    while len(set(levels)) < 2:  # a logic model of at least two levels
        levels = [rng.choice(vocab["metric_levels"]) for _ in range(count)]
    metrics = [{"name": rng.choice(METRICS), "level": level, "unit": rng.choice(UNITS), "source": rng.choice(DATA_SOURCES),
                "frequency": rng.choice(FREQUENCIES), "target": rng.randint(5, 50) if rng.random() < 0.5 else None}
               for level in levels]
    shortest, fewest = rng.randint(1, 6), rng.randint(3, 15)
    neutral = {
        "theme": vocab["themes"][index % len(vocab["themes"])],  # every theme, evenly
        "stages": ordered_sample(rng, vocab["stages"], 1, 3),
        "actors": ordered_sample(rng, vocab["actors"], 1, 4),
        "duration": {"min": shortest, "max": shortest + rng.randint(0, 6), "unit": rng.choice(["hours", "days", "weeks", "months"])},
        "group_size": {"min": fewest, "max": fewest + rng.randint(0, 30)},
        "difficulty": rng.choice(vocab["difficulty"]),
    }
    plan = Plan(index + 1, (fi_title, en_title), neutral, metrics, rng.sample(METHODS, rng.randint(2, 3)), related,
                rng.choice(PUBLISHERS), rng.choice(PLACES), rng.randint(2015, 2025), body_shape(rng),
                ("idea", "tried-once", "tried-repeatedly")[index % 3])
    return {lang.code: front_matter(rng, plan, lang) + body(rng, lang, plan.shape) for lang in LANGUAGES}


def front_matter(rng: random.Random, plan: Plan, lang: Language) -> str:
    """Every field in the source language; a translation leaves out what it inherits."""
    source = lang.pick == 0
    k, words, n = lang.pick, lang.words, plan.neutral
    lines = ["---", f"title: {scalar(plan.titles[k])}", f"summary: {scalar(sentence(rng, words, rng.randint(12, 25)))}"]
    if source:
        lines += [f"theme: {n['theme']}", f"stages: [{', '.join(n['stages'])}]", f"actors: [{', '.join(n['actors'])}]"]
    lines.append(f"tags: [{', '.join(ordered_sample(rng, lang.tags, 2, 4))}]")
    if source:
        d, g = n["duration"], n["group_size"]
        lines += [f"duration: {{min: {d['min']}, max: {d['max']}, unit: {d['unit']}}}",
                  f"group_size: {{min: {g['min']}, max: {g['max']}}}", f"difficulty: {n['difficulty']}"]
    lines.append("ingredients:")
    lines += [f"  - {scalar(sentence(rng, words, rng.randint(5, 10)))}" for _ in range(rng.randint(2, 4))]
    lines.append("metrics:")
    for metric in plan.metrics:
        lines.append(f"  - name: {scalar(metric['name'][k])}")
        if source:
            lines += [f"    level: {metric['level']}", f"    unit: {metric['unit']}"]
        lines += [f"    source: {scalar(metric['source'][k])}", f"    frequency: {scalar(metric['frequency'][k])}"]
        if metric["target"] is not None:
            lines.append(f"    target: {metric['target']}")
    lines.append("methods:")
    for method in plan.methods:
        lines += [f"  - name: {scalar(method[k])}", f"    description: {scalar(sentence(rng, words, rng.randint(10, 20)))}"]
    if source:
        lines += ["related:", *(f"  - {other}" for other in plan.related)]
    lines += ["cases:", f"  - name: {lang.case} {plan.number}", f"    organisation: {scalar(plan.publisher[k])}",
              f"    place: {plan.place}", "    years: '2024–2026'",
              f"    description: {scalar(sentence(rng, words, rng.randint(12, 24)))}"]
    lines += ["sources:", f"  - title: {lang.guide} {plan.year}", f"    publisher: {scalar(plan.publisher[k])}",
              f"    year: {plan.year}"]
    lines += ["evidence:", *([f"  level: {plan.evidence}"] if source else []),
              f"  reported: {scalar(sentence(rng, words, rng.randint(15, 30)))}",
              f"  added: {scalar(sentence(rng, words, rng.randint(8, 16)))}"]
    lines += [f"authors: [{lang.authors}]", f"updated: {UPDATED}", "status: published", "---", ""]
    return "\n".join(lines)


def ordered_sample(rng: random.Random, terms: list[str], low: int, high: int) -> list[str]:
    """Some of the terms, in the vocabulary's order (as a contributor would list them)."""
    chosen = set(rng.sample(terms, rng.randint(low, min(high, len(terms)))))
    return [term for term in terms if term in chosen]


def scalar(text: str) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted."""
    plain = not re.search(r"[:#\[\]{}&*!|>'\"%@`]", text) and text[:1] not in "-?" and text.strip() == text
    if plain and isinstance(yaml.safe_load(text), str):
        return text
    return json.dumps(text, ensure_ascii=False)


# ---- Body text -------------------------------------------------------------------------------------

def body_shape(rng: random.Random) -> dict[str, list[int]]:
    """Word budgets per paragraph / list item, shared by both languages (a translation's shape)."""
    total = rng.randint(*WORDS_PER_BODY)
    why, steps, tips = round(total * 0.25), round(total * 0.45), round(total * 0.15)
    return {
        "why": split(why, rng.randint(2, 3)),
        "steps": split(steps, rng.randint(5, 8)),
        "tips": split(tips, rng.randint(3, 4)),
        "pitfalls": split(total - why - steps - tips, 3),
    }


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def body(rng: random.Random, lang: Language, shape: dict[str, list[int]]) -> str:
    words = lang.words
    why = [wrap(paragraph(rng, words, n)) for n in shape["why"]]
    steps = [wrap(paragraph(rng, words, n), f"{i}. ") for i, n in enumerate(shape["steps"], 1)]
    tips = [wrap(paragraph(rng, words, n), "- ") for n in shape["tips"]]
    pitfalls = [wrap(paragraph(rng, words, n), "- ") for n in shape["pitfalls"]]
    sections = ["\n\n".join(why), "\n".join(steps), "\n".join(tips), "\n".join(pitfalls)]
    return "".join(f"\n## {heading}\n\n{text}\n" for heading, text in zip(lang.headings, sections))


def paragraph(rng: random.Random, words: list[str], count: int) -> str:
    """Sentences of 6–14 words, `count` words in all."""
    sentences = []
    while count > 0:
        n = count if count < 20 else rng.randint(6, 14)
        sentences.append(sentence(rng, words, n))
        count -= n
    return " ".join(sentences)


def sentence(rng: random.Random, words: list[str], count: int) -> str:
    chosen = [rng.choice(words) for _ in range(count)]
    if count > 8:
        chosen[rng.randint(3, count - 3)] += ","
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def wrap(text: str, marker: str = "") -> str:
    return textwrap.fill(text, WRAP, initial_indent=marker, subsequent_indent=" " * len(marker), break_on_hyphens=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.target, args.count, args.seed))


if __name__ == "__main__":
    main()
