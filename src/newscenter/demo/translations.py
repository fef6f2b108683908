# ruff: noqa: RUF001, E501 (Chinese is written with full-width punctuation; its lines are measured in characters twice as wide)
"""The demo company's German and Chinese editions: some of its articles translated.

Written for newscenter like the rest of the demo. Each translation names its source by
headline; ``after_hours`` is how long after the source it went out (None leaves it a draft).
``source_edit`` changes the source's text after the translation was published, so that the
desk has an outdated translation to show.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ["de", "zh-Hans"]

# The site's texts and the sections' names in the other editions.
SITE_TEXTS = {
    "de": {
        "section_title": "Aktuelles",
        "tagline": "Armaturen und Pumpen aus Ebersfurt seit 1961: Neues aus dem Werk, über "
        "unsere Produkte und die Branche.",
    },
    "zh-Hans": {
        "section_title": "新闻中心",
        "tagline": "自1961年起在埃伯斯福特制造阀门和泵：工厂动态、产品新闻与行业资讯。",
    },
}
SECTION_NAMES = {
    "Company news": {"de": "Unternehmen", "zh-Hans": "公司新闻"},
    "Product news": {"de": "Produkte", "zh-Hans": "产品新闻"},
    "Industry news": {"de": "Branche", "zh-Hans": "行业资讯"},
}


@dataclass(frozen=True)
class DemoTranslation:
    source: str  # the source article's headline (demo.content)
    language: str
    headline: str
    slug: str
    standfirst: str
    body: str
    after_hours: float | None = 2.0
    lead_image_alt: str = ""


# A sentence added to a source after its German translation ran (the translation goes
# outdated): (source headline, text appended to its body).
SOURCE_EDITS = (
    (
        "Ebersfurt plant now runs entirely on renewable electricity",
        "<p><strong>Update:</strong> the solar roof on the new assembly hall went live this "
        "week and now supplies almost a third of the plant's electricity.</p>",
    ),
)

TRANSLATIONS: tuple[DemoTranslation, ...] = (
    DemoTranslation(
        source="Kesselmark opens new assembly hall in Ebersfurt",
        language="de",
        headline="Kesselmark eröffnet neue Montagehalle in Ebersfurt",
        slug="kesselmark-eroeffnet-neue-montagehalle",
        standfirst="Auf 4.200 Quadratmetern vereint die neue Halle Montage und Prüfung unserer "
        "Armaturen und schafft 35 Arbeitsplätze im Stammwerk.",
        body="""
<p>Kesselmark hat seine neue Montagehalle am östlichen Rand des Werks Ebersfurt eröffnet. Sie
ersetzt drei ältere Werkstätten auf dem Gelände und führt Montage, Druckprüfung und Verpackung
von Industriearmaturen in einem durchgehenden Ablauf zusammen.</p>
<p>Bisher legte ein Armaturengehäuse zwischen mechanischer Bearbeitung und Versand mitunter mehr
als einen Kilometer auf dem Werksgelände zurück. In der neuen Halle kommen die Bauteile an einem
Ende an und verlassen sie am anderen geprüft und verpackt. Wir erwarten, dass die Lieferzeiten
für Standardarmaturen um rund ein Fünftel sinken.</p>
<h2>Gebaut für die Prüfung</h2>
<p>Herzstück der Halle ist ein Prüffeld mit sechs Druckprüfständen für Armaturen bis DN 600.
Jedes Ergebnis wird zur Seriennummer gespeichert, sodass Kunden das Prüfzeugnis jeder
ausgelieferten Armatur abrufen können.</p>
<blockquote><p>„Diese Halle ist die größte Investition in Ebersfurt seit einer Generation, und
geplant haben sie die Menschen, die darin arbeiten werden“, sagte Werkleiterin Ilka Severin.
„Das Layout ist in einem Jahr voller Workshops mit unseren Montageteams entstanden.“</p></blockquote>
<p>Das Dach trägt eine Solaranlage, geheizt wird mit der Abwärme des benachbarten
Bearbeitungszentrums. Die 35 neuen Stellen in Montage und Qualitätssicherung besetzen wir in den
kommenden Monaten.</p>
""",
        lead_image_alt="Abstrakte Illustration in den Kesselmark-Farben: kupferne Ringe auf "
        "einem Verlauf von Dunkelblau zu Petrol.",
    ),
    DemoTranslation(
        source="Kesselmark opens new assembly hall in Ebersfurt",
        language="zh-Hans",
        headline="Kesselmark 在埃伯斯富特启用新装配车间",
        slug="kesselmark-ebersfurt-xin-zhuangpei-chejian",
        standfirst="新车间面积 4,200 平方米，将阀门装配与测试集中在同一屋檐下，"
        "并为本部工厂新增 35 个工作岗位。",
        body="""
<p>Kesselmark 位于埃伯斯富特工厂东侧的新装配车间正式启用。新车间取代了厂区内分散的三座旧车间，
把工业阀门的装配、压力测试和包装整合为一条连续的流程。</p>
<p>过去，一个阀体在机加工和发货之间可能要在厂区内移动一公里以上。如今，零部件从车间一端进入，
经过测试和包装后从另一端发出。我们预计标准阀门的交货期将缩短约五分之一。</p>
<h2>为测试而建</h2>
<p>车间中央是一个拥有六个压力测试工位的测试区，可测试最大 DN 600 的阀门。每一项测试结果都与阀门的序列号
一起保存，客户可以查询我们发出的任何一台阀门的测试证书。</p>
<blockquote><p>“这座车间是埃伯斯富特一代人以来最大的一笔投资，而规划它的正是将在这里工作的人，”
厂长 Ilka Severin 说。“车间布局来自我们与装配团队长达一年的研讨。”</p></blockquote>
<p>车间屋顶安装了太阳能电池板，供暖则利用相邻加工中心的余热。装配和质量保证部门的 35 个新岗位将在未来几个月内陆续招聘。</p>
""",
        after_hours=5.0,
        lead_image_alt="Kesselmark 品牌色的抽象插图：深海军蓝到蓝绿色渐变上的铜色圆环。",
    ),
    DemoTranslation(
        source="Ebersfurt plant now runs entirely on renewable electricity",
        language="de",
        headline="Werk Ebersfurt bezieht seinen Strom vollständig aus erneuerbaren Quellen",
        slug="werk-ebersfurt-strom-erneuerbar",
        standfirst="Ein langfristiger Vertrag mit einem Windpark in der Region und unsere "
        "eigenen Solardächer decken jetzt den gesamten Strombedarf des Werks.",
        body="""
<p>Seit dem Ersten des Monats stammt jede Kilowattstunde, die im Werk Ebersfurt verbraucht wird,
aus erneuerbaren Quellen. Rund ein Viertel erzeugen wir auf unseren eigenen Dächern, den Rest
liefert ein Windpark in den Hügeln nördlich der Stadt im Rahmen eines Zehnjahresvertrags.</p>
<p>Strom ist die größte Emissionsquelle, die wir selbst in der Hand haben, vor allem in der
Bearbeitung und bei den Pumpen unseres Prüffelds. Der Wechsel ist der größte einzelne Schritt
auf dem Weg, die Emissionen des Werks bis zum Ende des Jahrzehnts zu halbieren.</p>
<h2>Weniger Energie, nicht nur sauberere</h2>
<p>Zusätzlich haben wir die Druckluftanlage in der Bearbeitungshalle erneuert und die Pumpen im
Prüffeld mit drehzahlgeregelten Antrieben ausgestattet. Zusammen senkten diese Maßnahmen den
Strombedarf des Werks im vergangenen Jahr um 11 Prozent.</p>
<blockquote><p>„Unsere Kunden kaufen unsere Pumpen, um Energie zu sparen. Deshalb messen wir unser
eigenes Werk am selben Maßstab“, sagte Geschäftsführerin Henrike Maas-Olbrich. „Der nächste
Schritt ist die Wärme: Innerhalb von fünf Jahren wollen wir kein Gas mehr verbrennen, um
unsere Hallen zu heizen.“</p></blockquote>
""",
        after_hours=20.0,
    ),
    DemoTranslation(
        source="Ebersfurt plant now runs entirely on renewable electricity",
        language="zh-Hans",
        headline="埃伯斯富特工厂实现百分之百可再生电力供应",
        slug="ebersfurt-gongchang-kezaisheng-dianli",
        standfirst="与当地风电场签订的长期合同加上我们自己的屋顶太阳能，现已覆盖工厂的全部用电。",
        body="""
<p>自本月一日起，埃伯斯富特工厂使用的每一度电都来自可再生能源。约四分之一由我们自己的屋顶发电，
其余来自城北山区的一座风电场，双方签订了为期十年的供电合同。</p>
<p>电力是我们能够直接控制的最大排放来源，主要来自机加工和测试区的水泵。更换供电是我们到本十年末将工厂排放减半计划中最大的一步。</p>
<p><strong>编者注：</strong>译文待审校。</p>
""",
        after_hours=None,
    ),
    DemoTranslation(
        source="Introducing the Tarn 400 butterfly valve",
        language="de",
        headline="Die neue Absperrklappe Tarn 400",
        slug="die-neue-absperrklappe-tarn-400",
        standfirst="Unsere neue doppelt exzentrische Absperrklappe ist leichter, dichtet besser "
        "und ist für die langen Wartungsintervalle gebaut, die Wasserversorger verlangen.",
        body="""
<p>Die Tarn 400 ist eine doppelt exzentrische Absperrklappe für Trinkwasser, Abwasser und
Kühlkreisläufe, erhältlich von DN 150 bis DN 1200 und für Drücke bis 16 bar. Sie löst unsere
bewährte Baureihe Tarn 300 ab.</p>
<p>Die Klappenscheibe sitzt leicht versetzt zur Wellenachse und hebt sich deshalb beim Öffnen
sofort von der Dichtung ab. Das schont die Dichtung und senkt das Betätigungsmoment, sodass
kleinere Antriebe genügen.</p>
<h2>Was neu ist</h2>
<ul><li>Bis zu 18 Prozent leichter als die Tarn 300 bei gleicher Nennweite</li>
<li>Dichtung vor Ort tauschbar, ohne die Armatur auszubauen</li>
<li>Epoxidbeschichtung innen und außen, für Trinkwasser geeignet</li>
<li>Anschlussflansch vorbereitet für unsere elektrischen Sentry-V-Antriebe</li></ul>
<blockquote><p>„Die Wasserversorger haben uns gesagt, dass sie einen Schacht einmal im Jahrzehnt
öffnen wollen, nicht einmal im Jahr“, sagte Entwicklungsleiter Rafael Dunkelberg. „Jede
Konstruktionsentscheidung bei der Tarn 400 hat dort angesetzt.“</p></blockquote>
<p>Die Tarn 400 ist ab sofort bestellbar, die gängigsten Nennweiten liefern wir ab Lager.
Datenblätter und Einbauanleitungen erhalten Sie von unserem Vertrieb.</p>
""",
        after_hours=26.0,
        lead_image_alt="Abstrakte Illustration: kupferne Diagonalbänder auf einem Verlauf von "
        "Petrol zu Dunkelblau.",
    ),
)
