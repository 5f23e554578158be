"""The assignment list's filter form, as query parameters: what a person chose (an empty choice
means all), turned into the register's filters."""

from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field

from app.assignments.schemas import AssignmentFilters
from app.assignments.vocabulary import Status
from app.inputs import parse_id


class ListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field(default="", max_length=200)
    owner: str = ""
    executor: str = ""
    status: list[Status] = Field(default_factory=list)
    goal: str = ""
    document: str = ""
    overdue: str = ""  # "yes", "no" or "" (all)
    page: int = Field(default=1, ge=1, le=100_000)
    lang: str = "sv"

    def filters(self, *, limit: int) -> AssignmentFilters:
        return AssignmentFilters(
            q=self.q.strip() or None,
            owner=self.owner or None,
            executor=self.executor or None,
            status=self.status,
            goal=parse_id(self.goal),
            document=parse_id(self.document),
            overdue={"yes": True, "no": False}.get(self.overdue),
            limit=limit,
            offset=(self.page - 1) * limit,
        )

    @property
    def is_filtered(self) -> bool:
        return any((self.q, self.owner, self.executor, self.status, self.goal, self.document, self.overdue))

    def page_href(self, page: int) -> str:
        """This list with the same filters, at another page."""
        chosen = [
            (name, value)
            for name, value in (
                ("q", self.q),
                ("owner", self.owner),
                ("executor", self.executor),
                *(("status", status.value) for status in self.status),
                ("goal", self.goal),
                ("document", self.document),
                ("overdue", self.overdue),
                ("lang", self.lang if self.lang == "en" else ""),
            )
            if value
        ]
        return "?" + urlencode([*chosen, ("page", str(page))])
