"""Every write of the lifecycle app: transfers of organizational relations, mobile members, entry and exit.

Each service takes keyword-only arguments, runs in one transaction and writes its audit event there. Views, the
API, tasks and peer apps (reorg, demo) call these and nothing else to change lifecycle data.
"""

from . import exits, mobile, transfers

__all__ = ["exits", "mobile", "transfers"]
