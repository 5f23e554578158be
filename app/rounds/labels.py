"""What staff and managers read of a round (pages, CSV and XLSX headings, the Excel form) in Swedish
(default) and English. Values of the assignment vocabulary take their labels from
app/assignments/vocabulary.py."""

from datetime import datetime
from zoneinfo import ZoneInfo

from app.assignments.vocabulary import LABELS
from app.page_frame import Lang, counted_phrase
from app.rounds.schemas import RoundRef
from app.rounds.vocabulary import PartAction, PartState
from app.spreadsheets import local_moment

ROUND_LABELS: dict[Lang, dict[str, str]] = {
    "sv": {
        "round": "Rapporteringsomgång",
        "round_lead": "Varje enhet rapporterar sina uppdrag för perioden och klarmarkerar sin del.",
        "part": "Rapportering",
        "unit": "Enhet",
        "unit_key": "Enhetskod",
        "round_key": "Omgång",
        "parent": "Överordnad enhet",
        "level": "Nivå",
        "expected": "Uppdrag att rapportera",
        "updated": "Rapporterade under perioden",
        "missing": "Ej rapporterade",
        "state": "Läge",
        "due": "Ska vara inlämnad",
        "late": "Försenad",
        "rollup": "Sammanräknat med underliggande enheter",
        "ready_of": "{ready} av {units} enheter klara",
        "ready_of_one": "{ready} av {units} enhet klar",
        "updated_of": "{updated} av {expected} uppdrag rapporterade",
        "updated_of_one": "{updated} av {expected} uppdrag rapporterat",
        "units": "Enheter",
        "ready": "Klara",
        "approved": "Godkända",
        "late_units": "Försenade enheter",
        "period": "Period",
        "cutoff": "Brytdatum",
        "previous_cutoff": "Föregående brytdatum",
        "first_day": "Periodens första dag",
        "as_of": "Läge per",
        "generated_at": "Framtagen",
        "last_transition": "Senaste händelse",
        "history": "Händelser",
        "no_history": "Inga händelser ännu.",
        "by": "av",
        "comment": "Kommentar",
        "reference": "Referens",
        "title": "Titel",
        "owner": "Ansvarig",
        "executor": "Utförare",
        "deadline_latest": "Senast klart",
        "status": "Status",
        "progress": "Framdrift (%)",
        "assessment": "Bedömning",
        "traffic_light": "Trafikljus",
        "reported_on": "Senast rapporterad",
        "latest_comment": "Senaste kommentar",
        "updated_in_period": "Rapporterad under perioden",
        "confirmed": "Bekräftad oförändrad",
        "version": "Version",
        "status_at_cutoff": "Status vid brytdatum",
        "progress_at_cutoff": "Framdrift vid brytdatum (%)",
        "assessment_at_cutoff": "Bedömning vid brytdatum",
        "traffic_light_at_cutoff": "Trafikljus vid brytdatum",
        "new_status": "Ny status",
        "new_progress": "Ny framdrift (%)",
        "new_assessment": "Ny bedömning",
        "new_traffic_light": "Nytt trafikljus",
        "new_comment": "Kommentar",
        "instructions": "Så fyller du i",
        "form_help": (
            "Fyll i de gula kolumnerna för de uppdrag som har ändrats och ladda upp filen. "
            "Tomma celler behåller nuvarande värde. Ändra inte referens eller version."
        ),
        "yes": "Ja",
        "no": "Nej",
        "empty": "–",
        "no_assessment": "Ingen bedömning",
        "all_states": "Alla lägen",
        "filter": "Visa",
        "filter_state": "Visa enheter i läget",
        "other_formats": "Andra format",
        "download_pdf": "Ladda ner PDF",
        "nothing": "Inga enheter att visa.",
        "no_assignments": "Enheten har inga uppdrag att rapportera i omgången.",
        "open": "Öppen för rapportering",
        "not_open": "Perioden har inte börjat",
        "sheet_overview": "Omgång",
        "sheet_part": "Rapportering",
        "summary": "Sammanfattning",
        "units_table": "Enheter i omgången",
        "assignments_table": "Uppdrag att rapportera",
        "back_to_round": "Till omgångens översikt",
        "round_link": "Rapporteringsomgång {period}",
        "yes_late": "Ja, försenad",
    },
    "en": {
        "round": "Reporting round",
        "round_lead": "Each unit reports on its assignments for the period and marks its part ready.",
        "part": "Reporting",
        "unit": "Unit",
        "unit_key": "Unit key",
        "round_key": "Round",
        "parent": "Parent unit",
        "level": "Level",
        "expected": "Assignments to report",
        "updated": "Reported in the period",
        "missing": "Not reported",
        "state": "State",
        "due": "Due",
        "late": "Late",
        "rollup": "With the units below",
        "ready_of": "{ready} of {units} units ready",
        "ready_of_one": "{ready} of {units} unit ready",
        "updated_of": "{updated} of {expected} assignments reported",
        "updated_of_one": "{updated} of {expected} assignment reported",
        "units": "Units",
        "ready": "Ready",
        "approved": "Approved",
        "late_units": "Late units",
        "period": "Period",
        "cutoff": "Cut-off",
        "previous_cutoff": "Previous cut-off",
        "first_day": "First day of the period",
        "as_of": "As of",
        "generated_at": "Generated",
        "last_transition": "Latest event",
        "history": "Events",
        "no_history": "No events yet.",
        "by": "by",
        "comment": "Comment",
        "reference": "Reference",
        "title": "Title",
        "owner": "Owner",
        "executor": "Executor",
        "deadline_latest": "Latest deadline",
        "status": "Status",
        "progress": "Progress (%)",
        "assessment": "Assessment",
        "traffic_light": "Traffic light",
        "reported_on": "Last reported",
        "latest_comment": "Latest comment",
        "updated_in_period": "Reported in the period",
        "confirmed": "Confirmed unchanged",
        "version": "Version",
        "status_at_cutoff": "Status at cut-off",
        "progress_at_cutoff": "Progress at cut-off (%)",
        "assessment_at_cutoff": "Assessment at cut-off",
        "traffic_light_at_cutoff": "Traffic light at cut-off",
        "new_status": "New status",
        "new_progress": "New progress (%)",
        "new_assessment": "New assessment",
        "new_traffic_light": "New traffic light",
        "new_comment": "Comment",
        "instructions": "How to fill in",
        "form_help": (
            "Fill in the yellow columns for the assignments that changed and upload the file. "
            "Empty cells keep the current value. Do not change the reference or the version."
        ),
        "yes": "Yes",
        "no": "No",
        "empty": "–",
        "no_assessment": "No assessment",
        "all_states": "All states",
        "filter": "Show",
        "filter_state": "Show units in state",
        "other_formats": "Other formats",
        "download_pdf": "Download PDF",
        "nothing": "No units to show.",
        "no_assignments": "The unit has no assignments to report in the round.",
        "open": "Open for reporting",
        "not_open": "The period has not begun",
        "sheet_overview": "Round",
        "sheet_part": "Reporting",
        "summary": "Summary",
        "units_table": "Units in the round",
        "assignments_table": "Assignments to report",
        "back_to_round": "Back to the round's overview",
        "round_link": "Reporting round {period}",
        "yes_late": "Yes, late",
    },
}

STATE_LABELS: dict[Lang, dict[str, str]] = {
    "sv": {
        PartState.NOT_STARTED: "Ej påbörjad",
        PartState.IN_PROGRESS: "Pågår",
        PartState.SUBMITTED: "Inlämnad",
        PartState.RETURNED: "Återsänd",
        PartState.APPROVED: "Godkänd",
        PartAction.SUBMIT: "Inlämnad",
        PartAction.RETURN: "Återsänd",
        PartAction.APPROVE: "Godkänd",
    },
    "en": {
        PartState.NOT_STARTED: "Not started",
        PartState.IN_PROGRESS: "In progress",
        PartState.SUBMITTED: "Submitted",
        PartState.RETURNED: "Returned",
        PartState.APPROVED: "Approved",
        PartAction.SUBMIT: "Submitted",
        PartAction.RETURN: "Returned",
        PartAction.APPROVE: "Approved",
    },
}


# Phrases said in the singular (their `_one` variant) when the value named here is 1.
COUNTS = {"ready_of": "units", "updated_of": "expected"}


class RoundLabels:
    """A round's words in one language."""

    def __init__(self, lang: Lang, timezone: str) -> None:
        self.lang = lang
        self.zone = ZoneInfo(timezone)
        self._words = ROUND_LABELS[lang]
        self._values = {**LABELS[lang], **STATE_LABELS[lang]}

    def __call__(self, key: str, **values: object) -> str:
        return counted_phrase(self._words, key, COUNTS, values)

    def value(self, value: str | None) -> str:
        """The label of a vocabulary value: a state, status, assessment or traffic light."""
        if value is None:
            return self("no_assessment")
        return self._values.get(value, value)

    def yes_no(self, flag: bool) -> str:
        return self("yes") if flag else self("no")

    def moment(self, instant: datetime) -> str:
        return local_moment(instant, self.zone)

    def round_name(self, round_: RoundRef) -> str:
        return f"{round_.name_sv if self.lang == 'sv' else round_.name_en} {round_.year}"
