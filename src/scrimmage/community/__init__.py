"""The community side of an arena: discussion (and the markdown people post, rendered safely)."""

from .discussion import Discussion, Edit, Hit, NewItem, Post, Report, Thread, Topic

__all__ = ["Discussion", "Edit", "Hit", "NewItem", "Post", "Report", "Thread", "Topic"]
