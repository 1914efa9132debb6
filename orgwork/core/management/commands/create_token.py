"""Old name of `issue_token`, kept so existing scripts keep working."""

from .issue_token import Command as IssueToken


class Command(IssueToken):
    help = "Alias of issue_token: print a new API token for USERNAME."
