"""/api/v1/dues/ — thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core.drf import page_schema, paginated
from orgwork.core.middleware import actor_for_request
from orgwork.members import selectors as member_selectors

from . import selectors, services
from .export import report_xlsx
from .models import DuesBase, DuesCategory, DuesPayment, Method, Payer
from .rules import dues_rules


class BaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = DuesBase
        fields = ["id", "category", "base", "rate", "monthly_amount", "detail", "declared_on", "effective_from", "superseded", "rule_version"]


class BaseInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=DuesCategory.choices)
    declared_on = params.DateField()
    base = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="月工资收入（税后）/ 年薪制当月实得 / 离退休费")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="农民党员每月交纳额（0.2–1元）")
    quarter_incomes = serializers.ListField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0), required=False, min_length=3, max_length=3, help_text="个体：上季度三个月纯收入"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PaymentSerializer(serializers.ModelSerializer):
    month_list = serializers.SerializerMethodField()

    class Meta:
        model = DuesPayment
        fields = ["id", "member", "org", "kind", "paid_on", "amount", "months", "month_list", "payer", "proxy_name", "method", "receipt_no", "actor_label"]

    def get_month_list(self, obj) -> list[str]:
        return [f"{line.month:%Y-%m}" for line in obj.lines.order_by("month")]


class PaymentInSerializer(serializers.Serializer):
    from_month = params.DateField(help_text="所属月份（该月任一日期）")
    months = serializers.IntegerField(default=1, min_value=1, max_value=12)
    paid_on = params.DateField()
    payer = serializers.ChoiceField(choices=Payer.choices, default=Payer.SELF)
    proxy_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    method = serializers.ChoiceField(choices=Method.choices, default=Method.CASH)
    receipt_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    amount = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None, max_length=20, help_text="核对金额（可不填）")
    base_category = serializers.ChoiceField(choices=DuesCategory.choices, required=False, allow_blank=True, default="", help_text="随本次交纳核定的交纳类别（尚未核定基数时必填）")
    base = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None, max_length=20, help_text="交纳基数（税后月工资收入等）")
    base_amount = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None, max_length=20, help_text="农民党员月交纳额")
    quarter_incomes = serializers.ListField(child=serializers.CharField(max_length=20), min_length=3, max_length=3, required=False, allow_null=True, default=None)


class LedgerMonthSerializer(serializers.Serializer):
    month = params.DateField()
    due = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    paid = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    paid_on = params.DateField(allow_null=True)
    payer = serializers.CharField()
    method = serializers.CharField()
    receipt_no = serializers.CharField()


class ArrearSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    name = serializers.CharField()
    org_id = serializers.IntegerField()
    org_name = serializers.CharField()
    last_paid = params.DateField(allow_null=True)
    months = serializers.IntegerField()
    flagged = serializers.BooleanField()
    no_base = serializers.BooleanField(help_text="尚未核定交纳基数")


class ReportRowSerializer(serializers.Serializer):
    org_id = serializers.IntegerField(allow_null=True)
    org_name = serializers.CharField()
    members = serializers.IntegerField()
    payers = serializers.IntegerField()
    month_count = serializers.IntegerField()
    regular = serializers.DecimalField(max_digits=14, decimal_places=2)
    voluntary_small = serializers.DecimalField(max_digits=14, decimal_places=2)
    voluntary_large = serializers.DecimalField(max_digits=14, decimal_places=2)
    collected = serializers.DecimalField(max_digits=14, decimal_places=2)
    remit = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="上缴上级（省级：上缴中央）")
    received = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="下级上缴")
    kept = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="本级留存")
    level = serializers.CharField()
    share = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True)


class ReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)
    rule_version = serializers.CharField()
    remit_rate = serializers.DecimalField(max_digits=5, decimal_places=3)
    remit_deadline = params.DateField()
    remittance_version = serializers.CharField()
    rows = ReportRowSerializer(many=True)
    total = ReportRowSerializer()


YEAR, MONTH, ORG = params.api_year(), params.api_month(), params.api_org()
MONTHS = params.api_int("months", 1, 1200, "欠交月数下限")


class DuesView(APIView):
    @property
    def actor(self):
        return actor_for_request(self.request)

    def member(self, member_id):
        return member_selectors.get_member(self.actor, member_id)

    def under(self):
        return params.under(self.actor, self.request.query_params)


class LedgerView(DuesView):
    @extend_schema(tags=["dues"], parameters=[YEAR], responses=LedgerMonthSerializer(many=True))
    def get(self, request, member_id):
        member = self.member(member_id)
        year = params.year(request.query_params, default=dt.date.today().year)
        return Response(LedgerMonthSerializer(selectors.member_ledger(self.actor, member, year=year), many=True).data)


class BasesView(DuesView):
    @extend_schema(tags=["dues"], responses=BaseSerializer(many=True))
    def get(self, request, member_id):
        member = self.member(member_id)
        return Response(BaseSerializer(member.dues_bases.order_by("-id"), many=True).data)

    @extend_schema(tags=["dues"], request=BaseInSerializer, responses={201: BaseSerializer})
    def post(self, request, member_id):
        member = self.member(member_id)
        data = BaseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.set_base(actor=self.actor, member_id=member.pk, **data.validated_data)
        return Response(BaseSerializer(row).data, status=201)


class PaymentsView(DuesView):
    @extend_schema(tags=["dues"], responses=page_schema(PaymentSerializer, "PaymentPage"))
    def get(self, request, member_id):
        member = self.member(member_id)
        rows = selectors.payments(self.actor).filter(member=member).prefetch_related("lines").order_by("-paid_on", "-id")
        return paginated(request, rows, PaymentSerializer, view=self)

    @extend_schema(tags=["dues"], request=PaymentInSerializer, responses={201: PaymentSerializer})
    def post(self, request, member_id):
        member = self.member(member_id)
        data = PaymentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.record_payment(actor=self.actor, member_id=member.pk, **data.validated_data)
        return Response(PaymentSerializer(payment).data, status=201)


class ArrearsView(DuesView):
    @extend_schema(tags=["dues"], parameters=[MONTHS, ORG], responses=ArrearSerializer(many=True))
    def get(self, request):
        months = params.integer(request.query_params, "months", label=_("欠交月数"), default=dues_rules()["arrears_list_months"][0], min_value=1, max_value=1200)
        return Response(ArrearSerializer(selectors.arrears(self.actor, under=self.under(), min_months=months), many=True).data)


class ReportView(DuesView):
    @extend_schema(
        tags=["dues"],
        parameters=[YEAR, MONTH, ORG, OpenApiParameter("export", str, enum=["xlsx"], description="xlsx：导出 Excel")],
        responses=ReportSerializer,
    )
    def get(self, request):
        year = params.year(request.query_params, default=dt.date.today().year)
        month = params.month(request.query_params)
        rep = selectors.collection_report(self.actor, year=year, month=month, under=self.under())
        if request.query_params.get("export") == "xlsx":
            resp = HttpResponse(report_xlsx(rep), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            resp["Content-Disposition"] = f'attachment; filename="dues-{year}{f"-{month:02d}" if month else ""}.xlsx"'
            return resp
        return Response(ReportSerializer(rep).data)


urlpatterns = [
    path("members/<int:member_id>/ledger/", LedgerView.as_view(), name="dues-ledger"),
    path("members/<int:member_id>/bases/", BasesView.as_view(), name="dues-bases"),
    path("members/<int:member_id>/payments/", PaymentsView.as_view(), name="dues-payments"),
    path("arrears/", ArrearsView.as_view(), name="dues-arrears"),
    path("report/", ReportView.as_view(), name="dues-report"),
]
