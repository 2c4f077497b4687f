"""Rules that relate fields to each other: partners named exist, splits sum to 100, codes are unique."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.campaign.models import ALL_LANGUAGES, Campaign
from jointcampaign.campaign.yaml_source import PathKey
from jointcampaign.errors import Problem

SPLIT_TOLERANCE = 0.01


def consistency_problems(loaded: LoadedCampaign) -> list[Problem]:
    return list(_consistency(loaded))


def _unrequested_languages(
    loaded: LoadedCampaign, at: Callable[[PathKey, str, str], Problem]
) -> Iterator[Problem]:
    """A campaign language no partner's bundle holds would be translated for nobody: say so, skip it."""
    campaign = loaded.campaign
    for index, language in enumerate(campaign.languages):
        if not campaign.partners_for(language):
            problem = at(
                ("languages", index),
                f"no partner asked for '{language}': no bundle will hold it, so it is neither translated "
                "nor rendered",
                f"add {language} to the languages: of the partner whose community reads it, "
                "or remove it from the campaign's languages:",
            )
            yield replace(problem, severity="warning")


def _offer_code_problems(
    campaign: Campaign, index: int, taken: set[str], at: Callable[[PathKey, str, str], Problem]
) -> Iterator[Problem]:
    """An offer's extra codes: unique across the campaign, each saying where it is used, in a campaign language."""
    offer = campaign.offers[index]
    seen = set(taken) | {offer.code}
    where_seen: set[tuple[str | None, str | None]] = set()
    for number, extra in enumerate(offer.codes):
        key: PathKey = ("offers", index, "codes", number)
        if extra.code in seen:
            yield at((*key, "code"), f"offer code {extra.code} is used twice", "give each code its own name, "
                     f"e.g. {offer.code}-{(extra.language or extra.placement or 'x').upper()}")  # fmt: skip
        seen.add(extra.code)
        if extra.language is None and extra.placement is None:
            yield at(key, f"code {extra.code} says neither its language nor its placement",
                     "add language: es and/or placement: end-card (else use the offer's own code)")  # fmt: skip
        elif (extra.language, extra.placement) in where_seen:
            yield at(key, f"code {extra.code} has the same language and placement as an earlier code",
                     "give each code its own language/placement, or delete one")  # fmt: skip
        where_seen.add((extra.language, extra.placement))
        spoken = [campaign.source_language, *campaign.languages]
        if extra.language is not None and extra.language not in spoken:
            yield at((*key, "language"), f"'{extra.language}' is not a language of this campaign",
                     f"use one of: {', '.join(spoken)}")  # fmt: skip


def _consistency(loaded: LoadedCampaign) -> Iterator[Problem]:
    campaign = loaded.campaign
    known = set(campaign.partner_ids)
    known_list = ", ".join(campaign.partner_ids)

    def at(key: PathKey, message: str, fix: str) -> Problem:
        field = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in key).replace(".[", "[")
        return Problem(
            file=loaded.campaign_file,
            line=loaded.document.line_of(key),
            field=field,
            message=message,
            fix=fix,
        )

    def unknown_partner(key: PathKey, value: str) -> Problem:
        return at(key, f"names partner '{value}', which is not in partners", f"use one of: {known_list}")

    seen: set[str] = set()
    for index, partner in enumerate(campaign.partners):
        if partner.id in seen:
            yield at(("partners", index, "id"), f"partner '{partner.id}' is listed twice", "list it once")
        seen.add(partner.id)

    for index, partner in enumerate(campaign.partners):
        for slot, language in enumerate(partner.languages):
            if language not in campaign.languages:
                # A warning, not an error: narrowing the campaign's languages for one run is common.
                problem = at(
                    ("partners", index, "languages", slot),
                    f"partner '{partner.id}' asks for '{language}', which is not one of the campaign's "
                    f"languages ({', '.join(campaign.languages)}): its bundle will not hold it",
                    f"add {language} to languages: (the campaign's list), or remove it from this partner",
                )
                yield replace(problem, severity="warning")
    yield from _unrequested_languages(loaded, at)

    if campaign.source_language in campaign.languages:
        index = campaign.languages.index(campaign.source_language)
        yield at(
            ("languages", index),
            f"'{campaign.source_language}' is the source language",
            "list only the languages to translate into under languages:",
        )

    deliverable_ids: set[str] = set()
    for index, item in enumerate(campaign.deliverables):
        if item.owner not in known:
            yield unknown_partner(("deliverables", index, "owner"), item.owner)
        if item.id in deliverable_ids:
            yield at(
                ("deliverables", index, "id"),
                f"deliverable id '{item.id}' is used twice",
                "give each one a unique id",
            )
        deliverable_ids.add(item.id)
        if item.kind in ("copy", "video") and not item.source:
            yield at(
                ("deliverables", index),
                f"{item.kind} deliverable '{item.id}' has no source file",
                f"add 'source: {item.kind}/<file>' naming the file in the campaign folder",
            )
        if item.kind == "review" and item.language is None:
            yield at(
                ("deliverables", index),
                f"review '{item.id}' names no language",
                "add 'language: es' (for example)",
            )

    codes: set[str] = set()
    variant_codes: set[str] = set()  # an offer's codes per language/placement: counted for it, never a KPI's
    for index, offer in enumerate(campaign.offers):
        for name in ("for_customers_of", "honoured_by"):
            value = getattr(offer, name)
            if value not in known:
                yield unknown_partner(("offers", index, name), value)
        if offer.for_customers_of == offer.honoured_by:
            yield at(
                ("offers", index, "honoured_by"),
                "an offer must be honoured by the other partner",
                "set honoured_by to the partner whose shop gives the discount",
            )
        if offer.code in codes or offer.code in variant_codes:
            yield at(
                ("offers", index, "code"),
                f"offer code {offer.code} is used twice",
                "give each offer its own code",
            )
        codes.add(offer.code)
        yield from _offer_code_problems(campaign, index, variant_codes | codes, at)
        variant_codes |= {c.code for c in offer.codes}

    for index, kpi in enumerate(campaign.kpis):
        if kpi.owner not in known:
            yield unknown_partner(("kpis", index, "owner"), kpi.owner)
        if kpi.measured_by == "code_redemptions" and kpi.code not in codes:
            parent = next((o.code for o in campaign.offers if kpi.code in {c.code for c in o.codes}), None)
            yield at(
                ("kpis", index, "code"),
                f"counts redemptions of code '{kpi.code}', which is one of offer {parent}'s codes per language "
                "or placement: a KPI counts a whole offer"
                if parent
                else f"counts redemptions of code '{kpi.code}', which no offer defines",
                f"set code to {parent} (its redemptions by language and placement are shown with it)"
                if parent
                else f"set code to one of: {', '.join(sorted(codes)) or '(define an offer first)'}",
            )
        if kpi.measured_by == "link_clicks" and kpi.link not in known:
            yield at(
                ("kpis", index, "link"),
                "counts clicks on a tracked link but names no partner's link",
                f"set link to one of: {known_list}",
            )

    window = campaign.measurement
    if window.start and window.end and window.start > window.end:
        yield at(
            ("measurement", "end"),
            f"ends on {window.end} before it starts on {window.start}",
            "set measurement.end on or after measurement.start",
        )

    for part in ("cost", "revenue"):
        shares = getattr(campaign.split, part)
        for partner_id in shares:
            if partner_id not in known:
                yield unknown_partner(("split", part, partner_id), partner_id)
        missing = [p for p in campaign.partner_ids if p not in shares]
        if missing:
            yield at(
                ("split", part),
                f"{part} split has no share for {', '.join(missing)}",
                "give every partner a share, even 0",
            )
        total = sum(shares.values())
        if abs(total - 100) > SPLIT_TOLERANCE:
            yield at(
                ("split", part),
                f"{part} split sums to {total:g}%, not 100%",
                "change the shares so they add up to exactly 100",
            )

    assets = deliverable_ids | {item.source for item in campaign.deliverables if item.source}
    for index, right in enumerate(campaign.rights):
        if right.owner not in known:
            yield unknown_partner(("rights", index, "owner"), right.owner)
        if right.asset not in assets:
            yield at(
                ("rights", index, "asset"),
                f"asset '{right.asset}' is not a deliverable id or source file",
                f"use a deliverable id such as {', '.join(sorted(deliverable_ids)) or 'post'}",
            )

    for partner_id in campaign.approvals:
        if partner_id not in known:
            yield unknown_partner(("approvals", partner_id), partner_id)

    for language in campaign.glossary.fixed:
        if language not in campaign.languages:
            yield at(
                ("glossary", "fixed", language),
                f"has fixed translations for '{language}', which is not a target language",
                "add it to languages: or remove this block",
            )

    targets = {*campaign.languages, *(tag.split("-", 1)[0] for tag in campaign.languages)}
    for key in campaign.subtitles.rules:
        if key != ALL_LANGUAGES and key not in targets:
            yield at(
                ("subtitles", "rules", key),
                f"has readability rules for '{key}', which is not a target language",
                f"use '{ALL_LANGUAGES}' or one of {', '.join(campaign.languages)}, or remove this block",
            )
