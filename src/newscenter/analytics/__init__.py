"""Cookie-free analytics on the site's own server: what is read, found, searched and followed.

``collect`` sees each public response at the edge of the app (hits of the page cache too) and
appends what it needs to an in-memory buffer; ``buffer`` writes the buffer in batches from a
thread of its own; ``classify`` turns a raw hit into a stored event (the visitor's daily hash,
the referrer's channel, the country, the browser), so that the address and the user agent
never reach the disk; ``rollup`` totals past days and deletes old raw events; ``reports``
reads both. docs/analytics.md is the privacy statement.
"""
