"""The community side of an arena: discussion, and the markdown people post rendered safely.

``arena.discussion`` is the service (:mod:`.discussion`); its values are in :mod:`.records`.
"""
