"""A scripted pipeline: one person from application to full member, with dates that satisfy every 2014 gate."""

import datetime as dt

import pytest

from orgwork.conftest import make_id
from orgwork.recruitment import services

D = dt.date

# step → (done_on, data, documents); assessments are added before the step that needs them
SCRIPT = [
    ("talk", D(2023, 3, 15), {"talker": "张书记"}, {}),
    ("activist", D(2023, 4, 10), {"method": "members", "decided_by": "committee"}, {}),
    ("activist_filed", D(2023, 4, 20), {}, {}),
    ("contacts", D(2023, 4, 25), "contacts", {}),
    ("activist_assessment", D(2024, 4, 12), {}, {}),
    ("candidate", D(2024, 4, 15), {"opinions_heard": True}, {}),
    ("candidate_filed", D(2024, 4, 20), {}, {}),
    ("sponsors", D(2024, 4, 25), "sponsors", {}),
    ("political_review", D(2024, 5, 10), {"conclusion": "pass"}, {"政治审查结论性材料": "政审〔2024〕12号"}),
    ("training", D(2024, 5, 20), {"days": 3, "organizer": "县委党校"}, {}),
    ("committee_review", D(2024, 6, 3), {"conclusion": "pass"}, {}),
    ("pre_review", D(2024, 6, 5), {"conclusion": "pass", "notice_place": "村务公开栏"}, {}),
    ("form", D(2024, 6, 14), {}, {"入党志愿书": "志愿书编号 0012345"}),
    ("general_meeting", D(2024, 6, 20), {"entitled": 10, "present": 8, "in_favour": 7, "against": 1}, {}),
    ("higher_talk", D(2024, 7, 10), {"talker": "镇党委副书记"}, {}),
    ("approval", D(2024, 7, 20), {"conclusion": "approve"}, {}),
    ("approval_filed", D(2024, 7, 25), {}, {}),
    ("assigned", D(2024, 7, 26), {"group": "第一党小组"}, {}),
    ("oath", D(2024, 7, 28), {}, {}),
    ("probation_assessment", D(2025, 6, 21), {}, {}),
    ("confirmation_application", D(2025, 6, 21), {}, {"转正申请书": "2025-06-21 本人提交"}),
    ("confirmation_meeting", D(2025, 6, 25), {"entitled": 10, "present": 9, "in_favour": 9}, {}),
    ("confirmation_approval", D(2025, 7, 10), {"conclusion": "approve"}, {}),
    ("archive_files", D(2025, 7, 15), {"archive_no": "DA-2025-007"}, {}),
]
ASSESSMENTS = {
    "activist_assessment": [D(2023, 10, 1), D(2024, 4, 1)],
    "probation_assessment": [D(2024, 12, 1), D(2025, 6, 1)],
}
COMMITTEE_STEPS = {"activist_filed", "candidate_filed", "pre_review", "higher_talk", "approval", "approval_filed", "confirmation_approval", "county_review"}


class Pipeline:
    def __init__(self, tree, system, make_member):
        self.tree = tree
        self.system = system
        self.full = [make_member(tree.village_a, name=n, birth=D(1970 + i, 1, 1 + i)) for i, n in enumerate(["赵一", "钱二", "孙三"])]

    def apply(self, *, name="王小明", birth=None, applied_on=None, org=None, **kw):
        birth = birth or D(1995, 5, 6)
        applied_on = applied_on or D(2023, 3, 1)
        return services.start_application(
            actor=self.system,
            org_id=(org or self.tree.village_a).pk,
            applied_on=applied_on,
            name=name,
            id_number=make_id(birth),
            education="大学本科",
            job="村会计",
            documents={"入党申请书": "申请书 2023-001"},
            **kw,
        )

    def data_for(self, data):
        if data == "contacts":
            return {"contacts": [self.full[0].pk]}
        if data == "sponsors":
            return {"sponsors": [self.full[0].pk, self.full[1].pk]}
        return dict(data)

    def step(self, applicant, key, *, actor=None, **overrides):
        for step, on, data, docs in SCRIPT:
            if step == key:
                kw = {"done_on": on, "data": self.data_for(data), "documents": docs}
                kw.update(overrides)
                return services.complete_step(actor=actor or self.system, applicant_id=applicant.pk, step=key, **kw)
        raise KeyError(key)

    def assess(self, applicant, key):
        for on in ASSESSMENTS.get(key, []):
            services.add_assessment(actor=self.system, applicant_id=applicant.pk, done_on=on, result="表现良好", step=key)

    def run(self, applicant, *, until=None, through=None):
        """Complete steps in order, stopping before `until` or after `through`."""
        for step, *_rest in SCRIPT:
            if step == until:
                return
            self.assess(applicant, step)
            self.step(applicant, step)
            if step == through:
                return


@pytest.fixture
def pipeline(tree, system, make_member):
    return Pipeline(tree, system, make_member)
