"""Self-contained HTML reports with charts (``audit --html``; the ``report`` extra: matplotlib).

``charts`` draws bar charts as inline SVG (text kept as text, no fonts or scripts fetched); ``page``
assembles sections into one HTML file that opens without a network. Command-line side only: never in the
Lambda package.
"""
