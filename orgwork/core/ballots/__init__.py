"""The ballot engine: sealed voting with one-time codes and no stored link from a ballot to a voter.

Used by democratic recommendation and rating (cadres), public polls (surveys) and may be used by elections.

Public API (services: keyword-only, one transaction, one audit event each; selectors: scoped reads)::

    from orgwork.core.ballots import services as ballots, selectors as ballot_reads

    b = ballots.create_ballot(actor=, org=, title=, purpose="cadres.recommendation", owner=record_or_None,
            questions=[{"kind": "choose", "text": "推荐副局长人选", "max_choices": 1,
                        "options": [{"label": "张三", "subject_type": "cadres.cadre", "subject_id": "7"}, ...]},
                       {"kind": "approve", ...}, {"kind": "rating", "levels": [...]}, {"kind": "text", ...}],
            groups=[{"name": "领导班子成员", "weight": "0.4", "size": 9}, ...],
            opens_at=None, closes_at=None)                    -> Ballot (draft)
    ballots.issue_codes(actor=, ballot_id=, group_id=, count=)  -> ["ABCDE-23456", ...]   shown once: print now
    ballots.register_voters(actor=, ballot_id=, group_id=, voters=[(type, id, label)])   named, signed-in voters
    ballots.set_paper_sheets(actor=, ballot_id=, group_id=, count=)                    paper ballots handed out
    ballots.open_ballot(actor=, ballot_id=)
    ballots.cast_with_code(code=, answers=, ballot_id=None, actor=None, client=None)  anonymous; code spent once;
                                                  client = the public page's address: wrong codes limited (guard.py)
    ballots.cast_as_voter(actor=, ballot_id=, voter_type=, voter_id=, answers=)   caller checked actor is the voter
    ballots.enter_paper(actor=, ballot_id=, group_id=, sheet_no=, answers=, spoiled=False)   twice, two clerks
    ballots.resolve_paper(actor=, sheet_id=, answers=, spoiled=False, note=)   a third person, after a mismatch
    ballots.void_codes(actor=, ballot_id=, codes=[...]);  ballots.cancel_ballot(actor=, ballot_id=, reason=)
    ballots.close_ballot(actor=, ballot_id=)                 counts once and freezes `results` (+ SHA-256)

    ballot_reads.ballots(actor, purpose=None, owner=None), ballot_reads.get_ballot(actor, id)
    ballot_reads.turnout(ballot)              live, per group: credentials, voted online, paper counted/pending/mismatch
    ballot_reads.results(actor, id) / sealed_results(ballot)   the tally; before close ServiceError `ballot_sealed`
    ballot_reads.sheets(actor, ballot_id, status=None)          paper sheets and their entries
    ballot_reads.ballot_for_code(code, client=None)  the open ballot of an unused code (voting pages), else None
    printing.code_slips_pdf(ballot, group, codes, url="")       printable code slips

Answers (keys: question number as a string): choose → [option numbers] (at most max_choices; online over k is
refused `too_many_choices`, a paper sheet over k is kept as an invalid ballot — 多选无效); approve → {option:
"approve"|"disapprove"|"abstain"} (a missing option counts as abstain); rating → {option: level key}; text → str.

Refusal codes: ballot_not_open, ballot_closed, ballot_sealed, code_invalid, code_used, not_a_voter, already_voted,
too_many_choices, sheet_out_of_range, sheet_done, same_clerk, paper_unresolved, bad_status.

Tally (at close, `tally.compute_tally`): per group votes and shares, and the weighted share
Σ w_g·share_g / Σ w_g over the groups that returned valid ballots; for ratings the weighted mean score.

How a ballot stays unlinkable — what is stored and what is not:
- `Credential` (a code's keyed hash — HMAC under a SECRET_KEY-derived key, so a stolen database cannot try codes
  offline — or a named voter) has a `used` flag and **no time** of use. Who took part is knowable (like a meeting's
  sign-in sheet); what they chose is not.
- `CastBallot` has no credential, no voter, no clerk, no timestamp; its key is a random UUID, not a counter.
- Insertion order: the online "box" is made of empty slots created when credentials are issued (one per
  credential, random keys, all alike). A vote fills a *randomly chosen* empty slot of its group by UPDATE. So the
  row order of the table (SQLite rowid, the PostgreSQL heap as first written) is the order slots were made, and the
  key order is random: neither is the order people voted in. Paper ballots are inserted in the order the counting
  clerks number the sheets after the box was opened and mixed (sheet numbers are not voters' numbers).
- The audit event of a vote is written on the *ballot* (group and channel), never on the slot. Its time says when
  someone of a group voted, not what they chose.
- Results are computed once, at close, and stored frozen with their SHA-256 in the close event. Before close no
  selector returns them (`ballot_sealed`), and no view or API serves cast rows.
- Residual risks, outside what the application stores: PostgreSQL writes an updated row as a new tuple (until
  VACUUM the physical position of filled slots follows the voting order) and its WAL/logical decoding — like the
  SQLite WAL file before a checkpoint — records writes in order. Someone with raw database-file access during
  the vote could therefore order votes; deployments should not enable logical replication/statement logging of
  these tables and should VACUUM after close. A group of one voter reveals that voter's choice in the per-group
  counts — owners should merge tiny groups (the weighted result is still shown).
- Codes: 10 characters from a 32-letter alphabet (no 0/O, 1/I), ≈2^50 per ballot; shown only at issue time.
"""
