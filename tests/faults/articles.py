"""Distinct, news-like articles generated for the chaos and load runs.

Made up, not taken from any corpus: a few hundred words that look like a local news story (a
dateline, a body with places, organisations, people, a date and a quote), built from small word
lists so that article ``i`` always has the same text and no two articles share their content (the
gateway derives the article id from the content, so a repeated text would be a duplicate).
"""

from typing import Final

CITIES: Final = (
    "Valparaíso", "Tampere", "Kraków", "Mombasa", "Cebu", "Porto", "Adelaide", "Halifax",
    "Izmir", "Lyon", "Brno", "Da Nang", "Kumasi", "Rosario", "Aarhus", "Pune", "Tbilisi",
)  # fmt: skip
BODIES: Final = (
    "city council", "port authority", "regional water board", "transit agency",
    "chamber of commerce", "teachers' union", "health trust", "housing association",
)  # fmt: skip
FIRST: Final = ("Maria", "Tomasz", "Amina", "Kofi", "Lena", "Rafael", "Priya", "Jonas", "Elif")
LAST: Final = ("Okafor", "Lindqvist", "Moreau", "Santos", "Novak", "Haddad", "Tanaka", "Byrne")
SUBJECTS: Final = (
    ("a new tram line", "passengers"),
    ("repairs to the harbour wall", "fishing crews"),
    ("a school building programme", "parents"),
    ("cheaper night buses", "shift workers"),
    ("a flood barrier", "riverside residents"),
    ("a tax on short-term rentals", "landlords"),
    ("free clinic hours", "pensioners"),
)
DAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MONTHS: Final = ("March", "April", "May", "June", "September", "October", "November")


def article(i: int) -> str:
    """Article number ``i``; the number itself appears in the text, so every text differs."""
    city = CITIES[i % len(CITIES)]
    body = BODIES[(i // 3) % len(BODIES)]
    speaker = f"{FIRST[i % len(FIRST)]} {LAST[(i // 2) % len(LAST)]}"
    critic = f"{FIRST[(i + 4) % len(FIRST)]} {LAST[(i + 3) % len(LAST)]}"
    subject, affected = SUBJECTS[i % len(SUBJECTS)]
    day, month = DAYS[i % len(DAYS)], MONTHS[(i // 5) % len(MONTHS)]
    cost = 2 + (i * 7) % 90
    votes_for, votes_against = 12 + i % 9, 3 + i % 5
    return (
        f"{city} {body} backs {subject}\n\n"
        f"{city.upper()} — The {body} of {city} approved {subject} on {day}, "
        f"committing {cost}.{i % 10} million euros over the next {3 + i % 4} years, "
        f"in a vote of {votes_for} to {votes_against}.\n\n"
        f'"This is what {affected} have asked us for since {2010 + i % 12}," said {speaker}, '
        f"who chairs the {body}. Work is due to start on {1 + i % 27} {month}, and the first "
        f"phase should be finished before the end of {2027 + i % 3}.\n\n"
        f"Not everyone agreed. {critic}, who voted against, said the plan would take money "
        f"from other projects and asked for an independent review of the costs. The {body} "
        f"said it would publish its figures, number {1000 + i}, within a month."
    )
