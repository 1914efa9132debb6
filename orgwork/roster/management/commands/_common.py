import json
import sys

from orgwork.core.actor import Actor


def system_actor(label: str) -> Actor:
    return Actor.system_actor(label)


def emit(command, report, path: str | None) -> None:
    data = report.as_dict()
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
    for r in data["rejected"][:30]:
        command.stdout.write(f"第{r['row']}行 [{r['code']}] {r['column']}: {r['message']}")
    if len(data["rejected"]) > 30:
        command.stdout.write(f"… 共 {len(data['rejected'])} 处错误")
    for w in data["warnings"][:10]:
        command.stdout.write(f"提示：{w['message']}")
    command.stdout.write(f"导入 {data['accepted']} 行（新增 {report.created}，更新 {report.updated}），错误 {len(data['rejected'])} 处")
    if data["rejected"] and not data["accepted"]:
        sys.exit(1)
