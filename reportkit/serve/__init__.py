"""``reportkit serve``: the clerks' intake page and the secretariat's desk, in a browser.

``access`` keeps the access codes (only their hashes, in ``DIR/.reportkit/access.json``);
``app`` is the Flask application (pages and the JSON API); ``cardview`` renders a card as HTML in
the report's layout with its problems marked; ``desk`` holds the secretariat's background build.
"""
