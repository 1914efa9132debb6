"""/api/v1/members/ — thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params, privacy
from orgwork.core.api import ScopedViewSet
from orgwork.orgs.api import resolve_ref

from . import selectors, services
from .bands import AGE_BANDS, PARTY_AGE_BANDS
from .models import Education, Member, MemberStatusChange, StatusAction


class MemberSerializer(serializers.ModelSerializer):
    """ID number and phone are masked unless the context names them in `full_fields` (a detail read by a role
    that needs them, audited by the view)."""

    id_number = serializers.CharField(read_only=True, help_text="公民身份号码。列表中脱敏（前6位和后4位）；详情仅对需要的角色显示完整号码，并记入审计")
    phone = serializers.CharField(read_only=True, help_text="联系电话。列表中脱敏（前3位和后4位）；详情仅对需要的角色显示完整号码，并记入审计")
    org = serializers.IntegerField(source="org_id", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    education_label = serializers.CharField(source="get_education_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    standing_label = serializers.CharField(source="get_standing_display", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "name_pinyin",
            "name_initials",
            "gender",
            "gender_label",
            "id_number",
            "ethnicity",
            "birth_date",
            "education",
            "education_label",
            "category",
            "category_label",
            "org",
            "org_name",
            "joined_on",
            "confirmed_on",
            "job",
            "phone",
            "address",
            "standing",
            "standing_label",
            "standing_since",
            "lost_contact",
            "lost_contact_on",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        full = self.context.get("full_fields", ())
        for key in privacy.MASKED_FIELDS:
            if key in data and key not in full:
                data[key] = privacy.mask(key, data[key])
        return data


def _text(v):
    return None if v is None else str(v)


def _day(v):
    return None if v is None else v.isoformat()


def _choice(v):
    return v


# MemberSerializer's fields as (key, how to read it, how to render it): the same JSON without DRF building and
# binding two dozen field objects for every response (members/tests/test_api_fast.py compares the two).
_PLAIN = {"id": (lambda m: m.pk, int), "org": (lambda m: m.org_id, int), "org_name": (lambda m: m.org.name, _text)}
_LABELS = {"gender_label": "get_gender_display", "education_label": "get_education_display", "category_label": "get_category_display", "standing_label": "get_standing_display"}


_LABEL_CACHE: dict[tuple[str, str], dict] = {}


def _label(field: str, value):
    """`get_<field>_display()` with the choice labels translated once per language (not on every response)."""
    lang = get_language()
    labels = _LABEL_CACHE.get((lang, field))
    if labels is None:
        labels = _LABEL_CACHE[(lang, field)] = {k: str(v) for k, v in Member._meta.get_field(field).flatchoices}
    return labels.get(value, value)


def _plan():
    plan = []
    for key in MemberSerializer.Meta.fields:
        if key in _PLAIN:
            plan.append((key, *_PLAIN[key]))
        elif key in _LABELS:
            field = _LABELS[key][len("get_") : -len("_display")]
            plan.append((key, lambda m, f=field: _label(f, getattr(m, f)), _text))
        else:
            f = Member._meta.get_field(key)
            render = _day if f.get_internal_type() == "DateField" else bool if f.get_internal_type() == "BooleanField" else _choice if f.choices else _text
            plan.append((key, lambda m, a=f.attname: getattr(m, a), render))
    return plan


_MEMBER_PLAN = _plan()


def member_representation(member, full_fields=()) -> dict:
    """`MemberSerializer(member, context={"full_fields": ...}).data`, built directly."""
    data = {key: render(v) if (v := read(member)) is not None else None for key, read, render in _MEMBER_PLAN}
    for key in privacy.MASKED_FIELDS:
        if key in data and key not in full_fields:
            data[key] = privacy.mask(key, data[key])
    return data


def detail_data(actor, member, *, audit_read: bool) -> dict:
    """One member for the API: full ID number and phone for roles that need them; the read is audited."""
    full = [f for f in privacy.readable_fields(actor, member.org.path) if getattr(member, f)]
    if full and audit_read:
        privacy.record_read(actor, member, full, via="api")
    return member_representation(member, full)


class MemberWriteSerializer(serializers.Serializer):
    """Raw values as people type them; the member validation normalizes and checks them."""

    org = serializers.CharField(help_text="所在党组织：id、组织代码、名称或“上级/名称”路径", max_length=200)
    name = serializers.CharField(max_length=60)
    id_number = serializers.CharField(max_length=40)
    category = serializers.CharField(help_text="正式党员 / 预备党员（full / probationary）", max_length=20)
    joined_on = serializers.CharField(help_text="入党日期，如 2019-07-01", max_length=40)
    gender = serializers.CharField(required=False, allow_blank=True, max_length=10)
    birth_date = serializers.CharField(required=False, allow_blank=True, max_length=40)
    ethnicity = serializers.CharField(required=False, allow_blank=True, max_length=20)
    education = serializers.CharField(required=False, allow_blank=True, max_length=20)
    confirmed_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    job = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lost_contact = serializers.CharField(required=False, allow_blank=True, max_length=10)
    lost_contact_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Messages name the field in Chinese; the codes stay stable.
            field.error_messages["required"] = _("该字段不能为空")
            field.error_messages["blank"] = _("该字段不能为空")
            field.error_messages["null"] = _("该字段不能为空")


class MemberUpdateSerializer(MemberWriteSerializer):
    def get_fields(self):
        fields = super().get_fields()
        for key in ("org", "category"):
            fields.pop(key)
        for field in fields.values():
            field.required = False
        return fields


class StatusChangeSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = MemberStatusChange
        fields = ["id", "action", "action_label", "effective_on", "reason", "before", "after", "actor_label", "created_at"]


class StatusActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=StatusAction.choices)
    on = params.DateField()
    reason = serializers.CharField(max_length=500)


LIST_PARAMS = [
    OpenApiParameter("q", str, description="姓名、拼音、首字母、身份证号（或末几位）、手机号（或末几位）"),
    params.api_org(description="只列出该党组织及其下级的党员"),
    OpenApiParameter("status", str, enum=list(selectors.STATUS_FILTERS)),
    OpenApiParameter("sector", {"type": "string", "maxLength": 50}),
    OpenApiParameter("education", str, enum=Education.values),
    OpenApiParameter("gender", str, enum=["M", "F"]),
    OpenApiParameter("age_band", str, enum=[b[0] for b in AGE_BANDS]),
    OpenApiParameter("party_age_band", str, enum=[b[0] for b in PARTY_AGE_BANDS]),
    params.api_int("age_min", 0, 150, "年龄下限"),
    params.api_int("age_max", 0, 150, "年龄上限"),
    OpenApiParameter("ordering", str, enum=list(selectors.ORDERINGS)),
]


@extend_schema(tags=["members"])
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MemberSerializer

    def get_queryset(self):
        if self.action != "list":
            return selectors.members(self.actor).select_related("org")
        p = self.request.query_params
        return selectors.search_members(
            self.actor,
            q=params.text(p, "q", label=_("查找"), max_length=100),
            under=params.under(self.actor, p),
            status=params.choice(p, "status", label=_("状态"), choices=list(selectors.STATUS_FILTERS), default="normal"),
            sector=params.text(p, "sector", label=_("行业"), max_length=50),
            education=params.choice(p, "education", label=_("学历"), choices=Education.values),
            gender=params.choice(p, "gender", label=_("性别"), choices=["M", "F"]),
            age_band=params.choice(p, "age_band", label=_("年龄段"), choices=[b[0] for b in AGE_BANDS]),
            party_age_band=params.choice(p, "party_age_band", label=_("党龄段"), choices=[b[0] for b in PARTY_AGE_BANDS]),
            age_min=params.integer(p, "age_min", label=_("年龄下限"), min_value=0, max_value=150),
            age_max=params.integer(p, "age_max", label=_("年龄上限"), min_value=0, max_value=150),
            ordering=params.choice(p, "ordering", label=_("排序"), choices=list(selectors.ORDERINGS), default="org"),
        )

    @extend_schema(parameters=LIST_PARAMS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        # The hot read: one query for the member and its org (the scope checked on the row), JSON built directly.
        member = selectors.member_detail(self.actor, int(kwargs[self.lookup_field]))
        return Response(detail_data(self.actor, member, audit_read=True))

    @extend_schema(request=MemberWriteSerializer, responses={201: MemberSerializer})
    def create(self, request):
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items()}
        org_id = resolve_ref(self.actor, values.pop("org"), field="org")
        member = services.create_member(actor=self.actor, org_id=org_id, **values)
        return Response(detail_data(self.actor, member, audit_read=False), status=201)  # the values just written

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    def partial_update(self, request, pk=None):
        member = self.get_object()
        data = MemberUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        member = services.update_member(actor=self.actor, member_id=member.pk, **data.validated_data)
        return Response(detail_data(self.actor, member, audit_read=bool(set(privacy.MASKED_FIELDS) - set(data.validated_data))))

    @extend_schema(request=StatusActionSerializer, responses=StatusChangeSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        member = self.get_object()
        data = StatusActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_status(actor=self.actor, member_id=member.pk, **data.validated_data)
        return Response(StatusChangeSerializer(change).data, status=201)

    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        member = self.get_object()
        return Response(StatusChangeSerializer(selectors.status_history(self.actor, member), many=True).data)


# --- /api/v1/members/… ---------------------------------------------------------------------
router = SimpleRouter(trailing_slash=True)
router.register("", MemberViewSet, basename="member")
urlpatterns = router.urls
