from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "orgwork.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        from orgwork.core import deadlines, registry, sms

        from . import attention, services  # noqa: F401  the waiting-steps attention provider

        deadlines.set_sender(services.send_reminders, seen=services.already_sent)
        sms.register_inbound("optout", services.sms_keyword, keywords=services.OPT_KEYWORDS)  # 退订 / 订阅 replies
        sms.register_receipts(services.record_receipt)  # the provider's delivery receipts
        from . import bulk

        sms.register_inbound("bulk_reply", bulk.inbound_reply, match=bulk.is_reply)  # replies to a recent bulk notice
        registry.nav(section=_("消息"), label=_("我的消息"), url_name="notifications:inbox", order=5)
        registry.nav(section=_("消息"), label=_("批量短信"), url_name="notifications:sms_campaigns", order=7, roles=("dept_admin", "org_admin", "secretary", "sysadmin"))
        registry.nav(section=_("消息"), label=_("消息发送记录"), url_name="notifications:message_log", order=8, roles=("dept_admin", "org_admin", "secretary", "sysadmin"))
        registry.nav(section=_("消息"), label=_("督办期限设定"), url_name="notifications:escalation", order=6, roles=("dept_admin", "sysadmin"))
