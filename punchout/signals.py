"""What punchout announces. Follow-up (followup.receivers) keeps the transferred lines; punchout knows no listener."""

from django.dispatch import Signal

# Sent after a session closed as TRANSFERRED, with sender=PunchoutSession, session= and lines= (the lines
# that went to the buyer system, at the prices they carried).
basket_transferred = Signal()
