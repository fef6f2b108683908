"""Cookie-free analytics on the site's own server: what is read, found, searched and followed.

``collect`` sees each public response at the edge of the app (hits of the page cache too) and
appends it to an in-memory buffer; ``buffer``'s thread makes hits of it (``hits``) and hands
them in batches to ``newscenter worker`` over a local socket (``relay``), or writes them
itself when no worker listens; ``classify`` turns a hit into a stored event (the visitor's
daily hash, the referrer's channel, the country, the browser), so that the address and the
user agent never reach the disk; ``rollup`` totals past days and months and deletes old raw
events; ``reports`` reads them. docs/analytics.md is the privacy statement.
"""
