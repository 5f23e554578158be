"""What managers read in rendered reports: headings and labels in Swedish (default) and English.

Values of the assignment vocabulary (status, assessment, ...) take their labels from
app/assignments/vocabulary.py; the report's own headings and the origin labels live here.
"""

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.assignments.vocabulary import LABELS, LinkKind
from app.documents.models import Origin
from app.documents.schemas import DecisionRef, DocumentRef
from app.page_frame import counted_phrase
from app.reports.schemas import NO_ASSESSMENT, Lang, PeriodRef

REPORT_LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "reference": "Referens",
        "title": "Titel",
        "owner": "Ansvarig",
        "executor": "Utförare",
        "goal": "Mål",
        "origin": "Ursprung",
        "kind": "Typ",
        "deadline": "Tidsangivelse",
        "deadline_latest": "Senast klart",
        "target_value": "Målvärde",
        "target_unit": "Enhet",
        "status": "Status",
        "progress": "Framdrift (%)",
        "assessment": "Bedömning",
        "traffic_light": "Trafikljus",
        "reported_on": "Senast rapporterad",
        "comment": "Senaste kommentar",
        "commented_on": "Kommentar daterad",
        "overdue": "Försenad",
        "overdue_count": "Försenade",
        "updated_in_period": "Uppdaterad under perioden",
        "new_in_period": "Ny under perioden",
        "new_in_period_count": "Nya under perioden",
        "due_before_next_cutoff": "Förfaller före nästa brytdatum",
        "changes": "Förändring sedan föregående rapport",
        "yes": "Ja",
        "no": "Nej",
        "new": "Nytt",
        "no_goal": "Utan mål",
        "empty": "–",  # an empty cell
        NO_ASSESSMENT: "Ingen bedömning",
        "summary": "Sammanfattning",
        "assignments": "Uppdrag",
        "key_figures": "Nyckeltal",
        "figure": "Nyckeltal",
        "count": "Antal",
        "total": "Antal uppdrag",
        "completed": "Genomförda",
        "completion_rate": "Genomförandegrad (%)",
        "completion_rate_figure": "Genomförandegrad",
        "reported": "Uppdaterade under perioden",
        "archived_in_period": "Arkiverade under perioden",
        "by_status": "Per status",
        "by_assessment": "Per bedömning",
        "by_traffic_light": "Per trafikljus",
        "by_owner": "Per ansvarig (inklusive underliggande enheter)",
        "download_pdf": "Ladda ner PDF",
        "trend_chart": "Utveckling per period, planperiod {start}–{end} (standardrapporten)",
        "trend_outside_plans": "{year} ingår inte i någon planperiod; trenden visar den senaste planens.",
        "trend_table": "Utveckling per period",
        "source": "Källa",
        "source_live": "Beräknad ur historiken",
        "source_published": "Publicerad",
        "to_come": "Brytdatum ej passerat",
        "period_key_annual": "År",
        "by_executor": "Per utförare (inklusive underliggande enheter)",
        "no_executor": "Utan utförare",
        "by_goal": "Per mål",
        "reported_of": "{reported} av {total} rapporterade",
        "reporting": "Rapportering",
        "archived_at": "Arkiverad",
        "own_assignments": "Egna uppdrag",
        "report": "Rapport",
        "document": "Underlag",
        "as_of": "Läge per",
        "cutoff": "Brytdatum",
        "previous_cutoff": "Föregående brytdatum",
        "next_cutoff": "Nästa brytdatum",
        "generated_at": "Framtagen",
        "published": "Publicerad",
        "published_by": "Publicerad av",
        "not_published": "Ej publicerad (beräknad ur historiken)",
        "live_report": "Beräknad nu ur historiken",
        "filtered_live": "Filtrerad rapport: beräknad nu ur historiken, inte den publicerade versionen",
        "live_differs": "Aktuella uppgifter skiljer sig nu från den publicerade rapporten",
        "live_same": "Aktuella uppgifter stämmer med den publicerade rapporten",
        "differences": "Skillnader mot aktuella uppgifter",
        "added": "Tillkommit",
        "removed": "Borttaget",
        "field": "Uppgift",
        "old": "Publicerat",
        "new_value": "Nu",
        "filters": "Urval",
        "default_filters": "Antagna uppdrag, alla ansvariga, mål och typer",
        "adopted_assignments": "Antagna uppdrag",
        "origins_filter": "Ursprung: {origins}",
        "owner_filter": "ansvarig: {name} med underliggande enheter",
        "goal_filter": "mål: {name}",
        "kind_filter": "typ: {kinds}",
        "document_filter": "underlag: {name}",
        "decided_by_filter": "beslutat av: {name}",
        "status_chart": "Statusfördelning",
        "owner_chart": "Uppdrag per ansvarig",
        "timeline_chart": "Tidslinje för slutdatum",
        "other": "Övriga",
        "today": "Idag",
        "plan_period": "Planperiod",
        "before_axis": "{count} med slutdatum före {year}",
        "after_axis": "{count} med slutdatum efter {year}",
        "outside_axis": "Visas inte i tidslinjen: {parts}.",
        "no_assignments_chart": "Inga uppdrag",
        "of_which": "varav {name}",
        "no_deadlines": "Inga uppdrag med slutdatum.",
        "and": "och",
        "overdue_list": "Försenade uppdrag",
        "due_soon_list": "Förfaller före nästa brytdatum",
        "nothing": "Inga.",
        "dashboard": "Uppdragsuppföljning",
        "dashboard_lead": "Läget idag",
        "periods": "Rapporter per period",
        "period": "Period",
        "state": "Läge",
        "open": "Öppen",
        "due": "Brytdatum passerat",
        "not_due": "Ej passerat",
        "formats": "Format",
        "other_formats": "Andra format",
        "sheet_summary": "Sammanfattning",
        "sheet_detail": "Uppdrag",
        "all_documents": "Samtliga beslut och underlag",
        "decision": "Beslut",
        "decided_by": "Beslutande organ",
        "decision_date": "Beslutsdatum",
        "diarienummer": "Diarienummer",
        "paragraph": "Paragraf",
        "links": "Kopplingar",
        "by_document": "Per beslut eller underlag",
        "no_document": "Utan underlag",
        "unexecuted": "Beslut som inte har verkställts",
        "unexecuted_lead": (
            "Antagna uppdrag som inte är genomförda, avslutade eller utgångna, äldsta beslut först"
        ),
        "unexecuted_count": "{count} uppdrag har ännu inte verkställts",
        "unexecuted_count_on": "Per {day} hade {count} uppdrag ännu inte verkställts",
        "unexecuted_oldest": "Äldsta ej verkställda uppdrag",
        "days_since_decision": "Dagar sedan beslut",
        "days_since_update": "Dagar sedan senaste rapport",
        "last_update": "Senaste rapport",
        "never": "Aldrig",
        "shows_current": "Visar {period}, den innevarande perioden.",
        "shows_latest": (
            "Visar {period}: inga uppdrag är aktuella i innevarande period, "
            "så den senaste perioden med uppdrag visas."
        ),
        "shows_chosen": "Visar {period}, som du har valt.",
        "shows_empty": "Visar {period}, den innevarande perioden. Det finns inga uppdrag att följa upp.",
        "choose_period": "Välj år och period",
        "year": "År",
        "show": "Visa",
        "all": "Alla",
        "see_all": "Se hela listan",
        "decided_before": "Beslutat före",
        "round": "Rapporteringsomgång",
        "round_progress": "{ready} av {units} enheter klara (godkända: {approved})",
        "round_progress_one": "{ready} av {units} enhet klar (godkända: {approved})",
        "round_at_publication": "Rapporteringen vid publiceringen",
        "approved_at_publication": "{approved} av {units} enheters rapportering godkänd",
        "approved_at_publication_one": "{approved} av {units} enhets rapportering godkänd",
        "see_round": "Se omgången",
    },
    "en": {
        "reference": "Reference",
        "title": "Title",
        "owner": "Owner",
        "executor": "Executor",
        "goal": "Goal",
        "origin": "Origin",
        "kind": "Kind",
        "deadline": "Deadline as written",
        "deadline_latest": "Latest deadline",
        "target_value": "Target value",
        "target_unit": "Unit",
        "status": "Status",
        "progress": "Progress (%)",
        "assessment": "Assessment",
        "traffic_light": "Traffic light",
        "reported_on": "Last reported",
        "comment": "Latest comment",
        "commented_on": "Comment dated",
        "overdue": "Overdue",
        "overdue_count": "Overdue",
        "updated_in_period": "Updated in period",
        "new_in_period": "New in period",
        "new_in_period_count": "New in period",
        "due_before_next_cutoff": "Due before next cut-off",
        "changes": "Changes since previous report",
        "yes": "Yes",
        "no": "No",
        "new": "New",
        "no_goal": "No goal",
        "empty": "–",  # an empty cell
        NO_ASSESSMENT: "No assessment",
        "summary": "Summary",
        "assignments": "Assignments",
        "key_figures": "Key figures",
        "figure": "Figure",
        "count": "Count",
        "total": "Assignments",
        "completed": "Completed",
        "completion_rate": "Completion rate (%)",
        "completion_rate_figure": "Completion rate",
        "reported": "Updated in period",
        "archived_in_period": "Archived in period",
        "by_status": "By status",
        "by_assessment": "By assessment",
        "by_traffic_light": "By traffic light",
        "by_owner": "By owner (including units below)",
        "download_pdf": "Download PDF",
        "trend_chart": "Trend per period, plan period {start}–{end} (the default report)",
        "trend_outside_plans": "{year} is in no plan period; the trend shows the latest plan's.",
        "trend_table": "Trend per period",
        "source": "Source",
        "source_live": "Computed from the history",
        "source_published": "Published",
        "to_come": "Cut-off not yet passed",
        "period_key_annual": "Year",
        "by_executor": "By executor (including units below)",
        "no_executor": "No executor",
        "by_goal": "By goal",
        "reported_of": "{reported} of {total} reported",
        "reporting": "Reporting",
        "archived_at": "Archived",
        "own_assignments": "Own assignments",
        "report": "Report",
        "document": "Document",
        "as_of": "As of",
        "cutoff": "Cut-off",
        "previous_cutoff": "Previous cut-off",
        "next_cutoff": "Next cut-off",
        "generated_at": "Generated",
        "published": "Published",
        "published_by": "Published by",
        "not_published": "Not published (computed from the history)",
        "live_report": "Computed now from the history",
        "filtered_live": "Filtered report: computed now from the history, not the published version",
        "live_differs": "Live data now differs from the published report",
        "live_same": "Live data matches the published report",
        "differences": "Differences from live data",
        "added": "Added",
        "removed": "Removed",
        "field": "Field",
        "old": "Published",
        "new_value": "Now",
        "filters": "Selection",
        "default_filters": "Adopted assignments, all owners, goals and kinds",
        "adopted_assignments": "Adopted assignments",
        "origins_filter": "Origin: {origins}",
        "owner_filter": "owner: {name} and the units below it",
        "goal_filter": "goal: {name}",
        "kind_filter": "kind: {kinds}",
        "document_filter": "document: {name}",
        "decided_by_filter": "decided by: {name}",
        "status_chart": "Status distribution",
        "owner_chart": "Assignments per owner",
        "timeline_chart": "Timeline of deadlines",
        "other": "Other",
        "today": "Today",
        "plan_period": "Plan period",
        "before_axis": "{count} with a deadline before {year}",
        "after_axis": "{count} with a deadline after {year}",
        "outside_axis": "Not shown on the timeline: {parts}.",
        "no_assignments_chart": "No assignments",
        "of_which": "of which {name}",
        "no_deadlines": "No assignments with a deadline.",
        "and": "and",
        "overdue_list": "Overdue assignments",
        "due_soon_list": "Due before the next cut-off",
        "nothing": "None.",
        "dashboard": "Assignment follow-up",
        "dashboard_lead": "Where the plan stands today",
        "periods": "Reports per period",
        "period": "Period",
        "state": "State",
        "open": "Open",
        "due": "Cut-off passed",
        "not_due": "Not yet",
        "formats": "Formats",
        "other_formats": "Other formats",
        "sheet_summary": "Summary",
        "sheet_detail": "Assignments",
        "all_documents": "All decisions and documents",
        "decision": "Decision",
        "decided_by": "Decided by",
        "decision_date": "Decision date",
        "diarienummer": "Case number",
        "paragraph": "Paragraph",
        "links": "Links",
        "by_document": "By decision or document",
        "no_document": "Without a document",
        "unexecuted": "Decisions not carried out",
        "unexecuted_lead": "Adopted assignments not completed, closed or cancelled, oldest decision first",
        "unexecuted_count": "{count} assignments have not been carried out yet",
        "unexecuted_count_on": "On {day}, {count} assignments had not been carried out yet",
        "unexecuted_oldest": "Oldest assignments not carried out",
        "days_since_decision": "Days since decision",
        "days_since_update": "Days since last report",
        "last_update": "Last report",
        "never": "Never",
        "shows_current": "Showing {period}, the current period.",
        "shows_latest": (
            "Showing {period}: no assignment is live in the current period, "
            "so the latest period with assignments is shown."
        ),
        "shows_chosen": "Showing {period}, as chosen.",
        "shows_empty": "Showing {period}, the current period. There are no assignments to follow up.",
        "choose_period": "Choose year and period",
        "year": "Year",
        "show": "Show",
        "all": "All",
        "see_all": "See the whole list",
        "decided_before": "Decided before",
        "round": "Reporting round",
        "round_progress": "{ready} of {units} units ready (approved: {approved})",
        "round_progress_one": "{ready} of {units} unit ready (approved: {approved})",
        "round_at_publication": "Reporting when published",
        "approved_at_publication": "{approved} of {units} units' reporting approved",
        "approved_at_publication_one": "{approved} of {units} unit's reporting approved",
        "see_round": "See the round",
    },
}

# How a link reads from each end: "Fortsätter KS-2015-012" on the later one, "Fortsätts av KS-2016-004"
# on the earlier.
LINK_LABELS: dict[str, dict[tuple[str, str], str]] = {
    "sv": {
        (LinkKind.CONTINUES, "outgoing"): "Fortsätter",
        (LinkKind.CONTINUES, "incoming"): "Fortsätts av",
        (LinkKind.REPLACES, "outgoing"): "Ersätter",
        (LinkKind.REPLACES, "incoming"): "Ersätts av",
        (LinkKind.SPLIT_INTO, "outgoing"): "Delat i",
        (LinkKind.SPLIT_INTO, "incoming"): "Delat från",
        (LinkKind.MERGED_INTO, "outgoing"): "Sammanslaget i",
        (LinkKind.MERGED_INTO, "incoming"): "Sammanslaget från",
    },
    "en": {
        (LinkKind.CONTINUES, "outgoing"): "Continues",
        (LinkKind.CONTINUES, "incoming"): "Continued by",
        (LinkKind.REPLACES, "outgoing"): "Replaces",
        (LinkKind.REPLACES, "incoming"): "Replaced by",
        (LinkKind.SPLIT_INTO, "outgoing"): "Split into",
        (LinkKind.SPLIT_INTO, "incoming"): "Split from",
        (LinkKind.MERGED_INTO, "outgoing"): "Merged into",
        (LinkKind.MERGED_INTO, "incoming"): "Merged from",
    },
}

ORIGIN_LABELS: dict[str, dict[str, str]] = {
    "sv": {
        Origin.ADOPTED: "Antaget",
        Origin.RESERVATION: "Reservation",
        Origin.STATEMENT: "Särskilt uttalande",
    },
    "en": {Origin.ADOPTED: "Adopted", Origin.RESERVATION: "Reservation", Origin.STATEMENT: "Statement"},
}


# Phrases said in the singular (their `_one` variant) when the value named here is 1.
COUNTS = {"round_progress": "units", "approved_at_publication": "units"}


class Labels:
    """Headings and value labels in one language, as used by every renderer."""

    def __init__(self, lang: Lang, timezone: str) -> None:
        self.lang = lang
        self.zone = ZoneInfo(timezone)
        self._headings = REPORT_LABELS[lang]
        self._values = {**LABELS[lang], **ORIGIN_LABELS[lang], NO_ASSESSMENT: self._headings[NO_ASSESSMENT]}

    def __call__(self, key: str, **values: object) -> str:
        return counted_phrase(self._headings, key, COUNTS, values)

    def value(self, value: StrEnum | str | None) -> str:
        """The label of a vocabulary value (status, assessment, traffic light, kind, origin).

        The only vocabulary value that can be missing is an assessment not yet made.
        """
        if value is None:
            return self._values[NO_ASSESSMENT]
        return self._values.get(value, str(value))

    def yes_no(self, flag: bool) -> str:
        return self("yes") if flag else self("no")

    def period_label(self, period: PeriodRef) -> str:
        """The report's name in the calendar, e.g. "Tertialrapport 1"."""
        return period.name_sv if self.lang == "sv" else period.name_en

    def period_short(self, period: PeriodRef) -> str:
        """A period's short name under a chart's bar: its key (T1, T2), or a word for a long key."""
        return self._headings.get(f"period_key_{period.period}", period.period)

    def period_name(self, period: PeriodRef) -> str:
        return f"{self.period_label(period)} {period.year}"

    def moment(self, instant: datetime) -> str:
        """A timestamp in the service's time zone, to the minute."""
        return instant.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def day(self, day: date | None) -> str:
        return day.isoformat() if day else self("empty")

    def decision(self, decision: DecisionRef | None) -> str | None:
        """The decision behind an assignment in one line: body, date, §, dnr, and the document's title."""
        if decision is None:
            return None
        decided = decision.decision_date or decision.document_date
        parts = [
            decision.decided_by.name if decision.decided_by else None,
            decided.isoformat(),
            decision.paragraph,
            f"dnr {decision.diarienummer}" if decision.diarienummer else None,
        ]
        return f"{', '.join(part for part in parts if part)}: {decision.title}"

    def link(self, kind: str, direction: str, reference: str) -> str:
        return f"{LINK_LABELS[self.lang][(kind, direction)]} {reference}"

    def subject(self, document: DocumentRef | None) -> str:
        """What a report covers: the document filtered on, else every decision and document."""
        return document.title if document else self("all_documents")
