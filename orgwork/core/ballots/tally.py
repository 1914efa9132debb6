"""Counting: per group counts and the weighted result (pure reads; called once, at close).

Weighted share of an option = Σ_g w_g · (count_g / valid_g) / Σ_g w_g over the groups that returned valid ballots
(a group with no valid ballot does not dilute the others). Rating: per group the mean score of the ballots that
rated the option, then weighted the same way.
"""

from __future__ import annotations

from collections import defaultdict

from .models import APPROVE_CHOICES, CastBallot, Credential, QuestionKind


def _r(x: float) -> float:
    return round(x, 4)


def _weighted(per_group: dict[int, float | None], weights: dict[int, float]) -> float | None:
    num = den = 0.0
    for gid, value in per_group.items():
        if value is None:
            continue
        num += weights[gid] * value
        den += weights[gid]
    return _r(num / den) if den else None


def compute_tally(ballot) -> dict:
    groups = list(ballot.groups.order_by("seq"))
    weights = {g.pk: float(g.weight) for g in groups}
    ballots = list(CastBallot.objects.filter(ballot=ballot, filled=True).order_by("id").values("group_id", "valid", "answers", "channel"))
    issued = defaultdict(int)
    used = defaultdict(int)
    for gid, is_used, voided in Credential.objects.filter(ballot=ballot).values_list("group_id", "used", "voided"):
        if not voided:
            issued[gid] += 1
            used[gid] += int(is_used)
    cast = defaultdict(int)
    valid = defaultdict(int)
    paper = defaultdict(int)
    for b in ballots:
        cast[b["group_id"]] += 1
        valid[b["group_id"]] += int(b["valid"])
        paper[b["group_id"]] += int(b["channel"] == "paper")
    out_groups = [
        {
            "id": g.pk,
            "name": g.name,
            "weight": float(g.weight),
            "size": g.size,
            "credentials": issued[g.pk],
            "paper_sheets": g.paper_sheets,
            "cast": cast[g.pk],
            "paper": paper[g.pk],
            "valid": valid[g.pk],
        }
        for g in groups
    ]
    questions = []
    valid_ballots = [b for b in ballots if b["valid"]]
    for q in ballot.questions.prefetch_related("options").order_by("seq"):
        key = str(q.seq)
        item = {"seq": q.seq, "kind": q.kind, "text": q.text, "max_choices": q.max_choices, "options": []}
        if q.kind == QuestionKind.TEXT:
            item["texts"] = [b["answers"][key] for b in valid_ballots if b["answers"].get(key)]
            questions.append(item)
            continue
        levels = {lv["key"]: lv for lv in q.levels}
        for o in q.options.order_by("seq"):
            okey = str(o.seq)
            by_group = {}
            shares: dict[int, float | None] = {}
            for g in groups:
                mine = [b["answers"].get(key) for b in valid_ballots if b["group_id"] == g.pk]
                n = len(mine)
                if q.kind == QuestionKind.CHOOSE:
                    count = sum(1 for a in mine if a and o.seq in a)
                    by_group[str(g.pk)] = {"votes": count, "share": _r(count / n) if n else None}
                    shares[g.pk] = count / n if n else None
                elif q.kind == QuestionKind.APPROVE:
                    counts = dict.fromkeys(APPROVE_CHOICES, 0)
                    for a in mine:
                        counts[(a or {}).get(okey, "abstain")] += 1
                    by_group[str(g.pk)] = {**counts, "share": _r(counts["approve"] / n) if n else None}
                    shares[g.pk] = counts["approve"] / n if n else None
                else:  # rating
                    counts = dict.fromkeys(levels, 0)
                    scores = []
                    for a in mine:
                        lv = (a or {}).get(okey)
                        if lv in counts:
                            counts[lv] += 1
                            if levels[lv].get("score") is not None:
                                scores.append(levels[lv]["score"])
                    mean = sum(scores) / len(scores) if scores else None
                    by_group[str(g.pk)] = {"levels": counts, "rated": sum(counts.values()), "mean_score": None if mean is None else _r(mean)}
                    shares[g.pk] = mean
            entry = {"seq": o.seq, "label": o.label, "subject_type": o.subject_type, "subject_id": o.subject_id, "by_group": by_group}
            if q.kind == QuestionKind.CHOOSE:
                entry["votes"] = sum(v["votes"] for v in by_group.values())
                entry["weighted_share"] = _weighted(shares, weights)
            elif q.kind == QuestionKind.APPROVE:
                entry["approve"] = sum(v["approve"] for v in by_group.values())
                entry["disapprove"] = sum(v["disapprove"] for v in by_group.values())
                entry["abstain"] = sum(v["abstain"] for v in by_group.values())
                entry["weighted_share"] = _weighted(shares, weights)
            else:
                entry["levels"] = {lv: sum(v["levels"][lv] for v in by_group.values()) for lv in levels}
                entry["weighted_score"] = _weighted(shares, weights)
            item["options"].append(entry)
        if q.kind == QuestionKind.CHOOSE:
            item["ranking"] = [o["seq"] for o in sorted(item["options"], key=lambda o: (-(o["weighted_share"] or 0), -o["votes"], o["seq"]))]
        questions.append(item)
    return {
        "groups": out_groups,
        "cast": sum(cast.values()),
        "valid": sum(valid.values()),
        "invalid": sum(cast.values()) - sum(valid.values()),
        "questions": questions,
    }
