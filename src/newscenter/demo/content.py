"""The demo News center's words: Kesselmark Valves & Pumps, a company invented for newscenter.

Its town (Ebersfurt), people, products and the trade outlet it quotes are fictional too.
``demo.loader`` loads this data through the services.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]
NAVY: RGB = (14, 42, 71)
TEAL: RGB = (20, 112, 122)
COPPER: RGB = (214, 128, 64)
BANNER_SIZE = (1600, 300)
LOGO_SIZE = (512, 512)
LEAD_IMAGE_SIZE = (1200, 675)


@dataclass(frozen=True)
class Picture:
    """A generated image: a left-to-right gradient with a simple motif in an accent colour."""

    start: RGB
    end: RGB
    accent: RGB
    motif: str  # "rings", "stripes" or "waves"


@dataclass(frozen=True)
class DemoArticle:
    headline: str
    section: str
    standfirst: str
    body: str  # HTML; line breaks are collapsed on loading
    days_ago: float | None  # None leaves the article a draft; negative schedules it
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source_name: str = ""
    source_url: str = ""
    picture: Picture | None = None
    lead_image_alt: str = ""


SITE = {
    "site_name": "Kesselmark Valves & Pumps",
    "section_title": "News center",
    "tagline": "Valves and pumps made in Ebersfurt since 1961: news from the works, "
    "our products and the trade.",
    "language": "en",
    "time_zone": "Europe/Berlin",
    "banner_alt": "Decorative banner: diagonal copper bands across a gradient "
    "from deep navy to teal, the Kesselmark colours.",
    "press_contact_name": "Miriam Achterberg, Corporate Communications",
    "press_contact_email": "press@kesselmark.example",
    "press_contact_phone": "+49 5521 7700-120",
    "social_links": [
        "https://www.linkedin.com/company/kesselmark-example",
        "https://www.youtube.com/@kesselmark-example",
    ],
}
# Shown where an article without a picture is shared; large enough for every crop.
SHARE_SIZE = (1600, 1200)
SHARE_ALT = "The Kesselmark rings in copper on deep navy."
AUTHOR_TITLES = {
    "Miriam Achterberg": "Head of Corporate Communications",
    "Clara Ovenden": "Product Communications Manager",
    "Tomasz Heller": "Editor, Industry News",
}
BANNER = Picture(NAVY, TEAL, COPPER, "stripes")
LOGO = Picture(NAVY, NAVY, COPPER, "rings")
SECTIONS = ("Company news", "Product news", "Industry news")

ARTICLES: tuple[DemoArticle, ...] = (
    DemoArticle(
        headline="Kesselmark opens new assembly hall in Ebersfurt",
        section="Company news",
        standfirst="A 4,200 square metre hall brings valve assembly and testing under one roof "
        "and adds 35 jobs at our home plant.",
        body="""
<p>Kesselmark has opened its new assembly hall on the eastern edge of the Ebersfurt works.
The building replaces three older workshops spread across the site and brings the assembly,
pressure testing and packing of industrial valves into a single, continuous flow.</p>
<p>Until now, a valve body could travel more than a kilometre around the site between machining
and dispatch. In the new hall, components arrive at one end and leave, tested and packed, at the
other. We expect lead times for standard valves to fall by around a fifth.</p>
<h2>Built for testing</h2>
<p>At the centre of the hall is a test bay with six pressure stations, each able to test valves
up to DN 600. Every result is stored against the valve's serial number, so customers can look up
the test certificate for any valve we ship.</p>
<blockquote><p>"This hall is the biggest investment in Ebersfurt in a generation, and it was
planned by the people who will work in it," said Ilka Severin, plant manager. "The layout came
out of a year of workshops with our assembly teams."</p></blockquote>
<p>The hall has solar panels on its roof and is heated with waste heat from the neighbouring
machining centre. Thirty-five new positions in assembly and quality assurance will be filled over
the coming months.</p>
""",
        days_ago=296.2,
        authors=("Miriam Achterberg",),
        tags=("Ebersfurt plant",),
        picture=Picture(NAVY, TEAL, COPPER, "rings"),
        lead_image_alt="Abstract illustration in the Kesselmark colours: copper rings "
        "on a gradient from deep navy to teal.",
    ),
    DemoArticle(
        headline="Nineteen apprentices start their training at Kesselmark",
        section="Company news",
        standfirst="Our largest intake yet will train as industrial mechanics, mechatronics "
        "technicians and, for the first time, IT specialists.",
        body="""
<p>Nineteen young people began their apprenticeships at Kesselmark this week, the largest intake
in the company's history. Over the next three and a half years they will rotate through
machining, assembly, the test bay and our service workshop before choosing a specialism.</p>
<p>This year we are also training two IT specialists for the first time. They will join the team
that looks after our production systems and the software in our electric actuators.</p>
<ul><li>Nine industrial mechanics</li><li>Six mechatronics technicians</li>
<li>Two technical product designers</li><li>Two IT specialists</li></ul>
<blockquote><p>"Most of our foremen and many of our engineers started here as apprentices," said
Marta Lindqvist-Hohn, head of vocational training. "We are not training people for a job. We are
training the people who will run this company in twenty years."</p></blockquote>
<p>The first week was spent on introductions, safety training and a tour of the plant, and ended
with a barbecue for the apprentices and their families. Applications for next year's places open
in the autumn.</p>
""",
        days_ago=214.6,
        authors=("Clara Ovenden",),
        tags=("Careers", "Ebersfurt plant"),
    ),
    DemoArticle(
        headline="Ebersfurt plant now runs entirely on renewable electricity",
        section="Company news",
        standfirst="A long-term contract with a regional wind farm and our own solar roofs now "
        "cover all the electricity the plant uses.",
        body="""
<p>Since the first of the month, every kilowatt hour used at the Ebersfurt plant comes from
renewable sources. Around a quarter is generated on our own roofs; the rest comes from a wind farm
in the hills north of the town under a ten-year supply contract.</p>
<p>Electricity is the largest source of emissions under our direct control, mainly from machining
and from the pumps in our test bay. Switching supply is the biggest single step in our plan to
halve the plant's emissions by the end of the decade.</p>
<h2>Less energy, not just cleaner energy</h2>
<p>Alongside the new supply, we have replaced the compressed-air system in the machining hall and
fitted variable-speed drives to the test bay pumps. Together, these measures cut the plant's
electricity demand by 11 percent last year.</p>
<blockquote><p>"Our customers buy our pumps to save energy, so we hold our own plant to the same
standard," said Henrike Maas-Olbrich, managing director. "The next step is heat: we want to stop
burning gas to warm our halls within five years."</p></blockquote>
""",
        days_ago=97.3,
        authors=("Miriam Achterberg",),
        tags=("Sustainability", "Ebersfurt plant"),
    ),
    DemoArticle(
        headline="Open day at the Ebersfurt works",
        section="Company news",
        standfirst="Neighbours, customers and families are invited to see how valves and pumps "
        "are made, from raw casting to test bay.",
        body="""
<p>For the first time in six years, Kesselmark is opening its gates to the public. Visitors can
join guided tours of the machining centre and the new assembly hall, watch a large valve being
pressure tested and try their hand at the apprentices' workbenches.</p>
<p>There will be activities for children, food from local producers and a shuttle bus from
Ebersfurt station. Entry is free; places on the guided tours can be booked in advance.</p>
<p><strong>Editor's note:</strong> date, programme and booking link to be confirmed before
publication.</p>
""",
        days_ago=None,
        authors=("Clara Ovenden",),
        tags=("Events", "Ebersfurt plant"),
    ),
    DemoArticle(
        headline="Introducing the Tarn 400 butterfly valve",
        section="Product news",
        standfirst="Our new double-offset butterfly valve is lighter, seals tighter and is built "
        "for the long service intervals water utilities ask for.",
        body="""
<p>The Tarn 400 is a double-offset butterfly valve for water supply, wastewater and cooling
circuits, available from DN 150 to DN 1200 and for pressures up to 16 bar. It replaces our
long-running Tarn 300 series.</p>
<p>The disc now sits slightly off the shaft axis, so it lifts clear of the seal as soon as it
starts to open. That reduces wear on the seal and the torque needed to operate the valve, which
in turn allows smaller actuators.</p>
<h2>What is new</h2>
<ul><li>Up to 18 percent lighter than the Tarn 300 at the same nominal size</li>
<li>Seal replaceable in the field without taking the valve out of the line</li>
<li>Epoxy coating inside and out, suitable for drinking water</li>
<li>Mounting flange ready for our Sentry-V electric actuators</li></ul>
<blockquote><p>"Utilities told us they want to open a valve chamber once a decade, not once a year,"
said Rafael Dunkelberg, head of engineering. "Every design decision on the Tarn 400 started from
that."</p></blockquote>
<p>The Tarn 400 can be ordered now, with delivery from stock for the most common sizes. Data
sheets and installation instructions are available from our sales team.</p>
""",
        days_ago=251.4,
        authors=("Tomasz Heller",),
        tags=("Valves", "Water utilities"),
        picture=Picture(TEAL, NAVY, COPPER, "stripes"),
        lead_image_alt="Abstract illustration: diagonal copper bands crossing "
        "a gradient from teal to deep navy.",
    ),
    DemoArticle(
        headline="Riffle CP pumps now available with IE5 motors",
        section="Product news",
        standfirst="Our centrifugal pump range can now be ordered with ultra-premium efficiency "
        "motors, cutting running costs in continuous duty.",
        body="""
<p>Every pump in our Riffle CP range of centrifugal pumps can now be supplied with a motor in
efficiency class IE5. The new motors use permanent magnets rather than induction and lose
considerably less energy as heat.</p>
<p>For a pump that runs around the clock, electricity is by far the largest part of its lifetime
cost, much more than the purchase price. In our test bay, a 30 kW Riffle CP with an IE5 motor used
around 4 percent less electricity than the same pump with an IE3 motor.</p>
<blockquote><p>"Four percent sounds modest until you multiply it by twenty years of continuous
duty," said Rafael Dunkelberg, head of engineering. "For many of our customers the upgrade pays
for itself in under three years."</p></blockquote>
<p>The IE5 motors need a variable-speed drive, which we supply ready configured. Existing
Riffle CP installations can be retrofitted; our service team will assess an installation on
request.</p>
""",
        days_ago=158.7,
        authors=("Tomasz Heller",),
        tags=("Pumps", "Energy efficiency"),
    ),
    DemoArticle(
        headline="Sentry-V actuators gain remote diagnostics",
        section="Product news",
        standfirst="A firmware update lets Sentry-V electric actuators report their condition, so "
        "maintenance can be planned before a valve fails.",
        body="""
<p>Our Sentry-V electric valve actuators can now report their own condition. With the latest
firmware, each actuator records the torque it needs on every stroke, its operating temperature
and the number of cycles it has completed.</p>
<p>A rising torque curve is often the first sign that a valve is becoming hard to operate,
because of deposits, a worn seal or a damaged bearing. Sentry-V now flags such a trend and passes
it to the plant's control system over the existing fieldbus connection.</p>
<h2>Available for installed actuators</h2>
<p>The update is free of charge for every Sentry-V actuator built since the range was launched.
It is installed on site with a laptop and takes around ten minutes per actuator; our service
technicians will install it on their next visit if asked.</p>
<blockquote><p>"Until now, the first sign of a stuck valve was often an alarm in the control room,"
said Okan Brettschneider, head of customer service. "Now the actuator warns us weeks in advance,
and the work can be done during a planned shutdown."</p></blockquote>
""",
        days_ago=61.1,
        authors=("Tomasz Heller", "Miriam Achterberg"),
        tags=("Actuators", "Service"),
    ),
    DemoArticle(
        headline="Spare parts ordering moves online",
        section="Product news",
        standfirst="From today, customers can find and order spare parts for their Kesselmark "
        "valves and pumps around the clock in our new parts portal.",
        body="""
<p>Spare parts for Kesselmark products can now be ordered online. After entering the serial
number from the nameplate, customers see an exploded drawing of their own valve or pump and can
add the parts they need to their basket.</p>
<p>The portal covers every product we have built since 1990. For older equipment, our service
team continues to take orders by phone and e-mail.</p>
<ul><li>Search by serial number, product name or part number</li>
<li>Prices and delivery dates shown before ordering</li>
<li>Order history and documentation for each installed product</li></ul>
<blockquote><p>"Maintenance teams often need a part at the end of a night shift, not during office
hours," said Okan Brettschneider, head of customer service. "The portal is open when they
are."</p></blockquote>
""",
        days_ago=-2,
        authors=("Clara Ovenden",),
        tags=("Service",),
    ),
    DemoArticle(
        headline="Water utilities step up investment in network renewal, survey finds",
        section="Industry news",
        standfirst="Two thirds of regional water operators plan to spend more on replacing pipes "
        "and valves over the next five years, FlowTrade Weekly reports.",
        body="""
<p>We are republishing this report from FlowTrade Weekly on a survey of regional water operators,
as its findings concern many of our customers.</p>
<blockquote cite="https://flowtrade.example/news/water-operators-network-renewal-survey">
<p>Regional water operators expect to increase spending on the renewal of their networks over the
next five years, a new survey shows. Of the 140 operators who responded, 67 percent said they
planned to spend more on replacing pipes, valves and fittings, while only 6 percent expected to
spend less.</p>
<p>Ageing infrastructure was the reason given most often. Many networks still rely on valves
installed several decades ago, and operators report that a growing share of them no longer close
fully when a section of pipe has to be isolated.</p>
<p>"Operators have learned that a valve which will not close turns a small repair into a large
outage," said Agnes Thoresby, chair of the Regional Water Operators' Forum, which commissioned the
survey. "Valves are moving up the priority list."</p>
<p>Respondents also named a shortage of skilled staff as a constraint: half said they would rely
more on contractors and on remote monitoring to keep their renewal programmes on schedule.</p>
</blockquote>
""",
        days_ago=128.5,
        tags=("Water utilities", "Valves"),
        source_name="FlowTrade Weekly",
        source_url="https://flowtrade.example/news/water-operators-network-renewal-survey",
    ),
    DemoArticle(
        headline="Lead-free alloys: what stricter material rules mean for valves",
        section="Industry news",
        standfirst="Tighter limits on lead in parts that touch drinking water are changing the "
        "alloys used in valves and fittings across the industry.",
        body="""
<p>The rules for materials in contact with drinking water keep getting stricter, and the lead
content allowed in copper alloys keeps falling. For makers of valves and fittings, this means
replacing alloys that have been in use for decades.</p>
<p>Lead was traditionally added to brass to make it easier to machine. Lead-free and low-lead
alloys behave differently in the machine shop: they wear tools faster, need different cutting
speeds, and some are more sensitive to particular water chemistries.</p>
<h2>How Kesselmark is responding</h2>
<p>All Kesselmark valves for drinking water have used low-lead alloys for several years. Where we
can, we are going further: ductile iron with epoxy coating for larger valves and stainless steel
for small ones, materials that contain no lead at all.</p>
<blockquote><p>"The change is not only about the alloy," said Rafael Dunkelberg, head of
engineering. "It changes how we machine, how we test and how we document every batch, and
customers should expect that evidence from any supplier."</p></blockquote>
<p>Operators planning replacements should check the material certificates of valves they hold in
stock, as older stock may not meet tighter limits.</p>
""",
        days_ago=226.9,
        authors=("Clara Ovenden",),
        tags=("Valves", "Water utilities"),
    ),
    DemoArticle(
        headline="Five questions about pump energy audits",
        section="Industry news",
        standfirst="Pumps use a large share of the electricity in industry and water supply, and "
        "an energy audit shows how much of it is wasted.",
        body="""
<p>Pumps are everywhere in industry and water supply, and many run for years without anyone
asking whether they still suit the job. A pump energy audit answers that question. These are the
questions our customers ask most often.</p>
<h2>What does an audit measure?</h2>
<p>Flow, pressure and electrical power, over a period long enough to capture the real operating
pattern, usually one to four weeks. From these we work out where each pump runs on its curve and
how far that is from its best efficiency point.</p>
<h2>Where is energy typically wasted?</h2>
<p>Most often in pumps that are larger than they need to be and are throttled by a partly closed
valve, and in pumps running at full speed while demand varies through the day.</p>
<h2>What are the usual remedies?</h2>
<ul><li>Trimming the impeller to match the actual duty</li><li>Adding a variable-speed drive</li>
<li>Replacing an oversized pump with a smaller, more efficient one</li></ul>
<h2>How quickly does it pay back?</h2>
<blockquote><p>"In the audits we carried out last year, the median payback period of the measures
we recommended was just under two years," said Okan Brettschneider, head of customer
service.</p></blockquote>
<h2>Who should carry out the audit?</h2>
<p>Anyone with calibrated instruments and experience of pump curves. It need not be the pump's
maker, though we are glad to help, including with pumps from other manufacturers.</p>
""",
        days_ago=74.8,
        authors=("Tomasz Heller",),
        tags=("Pumps", "Energy efficiency"),
        picture=Picture(NAVY, (34, 78, 110), COPPER, "waves"),
        lead_image_alt="Abstract illustration: flowing copper lines over a deep blue gradient.",
    ),
    DemoArticle(
        headline="Notes from the regional water engineering forum",
        section="Industry news",
        standfirst="Resilience, staff shortages and remote monitoring dominated two days of talks "
        "among operators, engineers and suppliers.",
        body="""
<p>Kesselmark was one of around forty suppliers at this year's regional water engineering forum,
which brought together more than 600 operators, planners and engineers over two days. Three
themes came up again and again.</p>
<h2>Resilience</h2>
<p>After dry summers and heavy storms, operators are planning for extremes rather than averages.
Several talks asked how to keep water flowing when a treatment plant or pumping station is out of
service.</p>
<h2>People</h2>
<p>Almost every operator reported difficulty filling technical posts. Equipment that is simple to
maintain, and that tells the maintenance team what it needs, was seen as part of the answer.</p>
<h2>Monitoring</h2>
<p>Remote monitoring of valves and pumps has moved from pilot projects into everyday operation.
On our stand, the new diagnostics for Sentry-V actuators drew the most questions.</p>
<blockquote><p>"The conversations have changed," said Henrike Maas-Olbrich, managing director.
"Five years ago visitors asked about prices and delivery times. This year they asked how our
products will help them run their networks with fewer people."</p></blockquote>
""",
        days_ago=19.4,
        authors=("Miriam Achterberg",),
        tags=("Events", "Water utilities"),
    ),
)
