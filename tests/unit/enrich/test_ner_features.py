"""Features of the CRF tagger: cue lists, clusters, truecasing, the second pass's evidence."""

from __future__ import annotations

from streams.enrich.ner_features import Featurizer, Lexicon, is_caps_sentence, stack_features


def lexicon(clusters: dict[str, str] | None = None) -> Lexicon:
    data = {
        "places": ["berlin", "new york"],
        "first_names": ["olaf"],
        "truecase": {"reuters": "Reuters"},
        "clusters": clusters or {},
    }
    return Lexicon.from_json(data)


def test_lexicon_round_trips_through_json() -> None:
    lex = lexicon({"monday": "03.01"})
    again = Lexicon.from_json(lex.to_json())
    assert again == lex
    assert again.place_max == {"berlin": 1, "new": 2}


def test_cue_and_cluster_features_reach_the_neighbours() -> None:
    feat = Featurizer(lexicon({"scholz": "07.02"}))
    sents, feats = feat.document("Bundeskanzler Olaf Scholz visited the Außenministerium .")
    words = [t[0] for t in sents[0]]
    row = dict(zip(words, feats[0], strict=True))
    assert "ttl" in row["Bundeskanzler"]
    assert "-1ttl" in row["Olaf"]  # the title before a name is a feature of the name
    assert {"gn", "fn"} <= set(row["Olaf"])
    assert {"c1=07", "c2=07.02"} <= set(row["Scholz"])
    assert "osuf" in row["Außenministerium"]
    assert "gB" in feat.document("He flew to New York .")[1][0][3]


def test_headline_words_take_their_form_from_the_story() -> None:
    feat = Featurizer(lexicon())
    sents, feats = feat.document("REUTERS SAYS HELLO\nA report by Reuters said so .")
    assert is_caps_sentence([t[0] for t in sents[0]])
    assert "dtc=Xx" in feats[0][0]  # "REUTERS" is written "Reuters" in the story
    assert "w=Reuters" in feats[0][0]


def test_second_pass_sees_the_other_occurrences() -> None:
    sents = [[("Rotor", 0, 5), ("Volgograd", 6, 15)], [("Rotor", 16, 21), ("won", 22, 25)]]
    rows = stack_features(sents, [["B-ORG", "L-ORG"], ["U-PER", "O"]])
    assert "dm=ORG" in rows[1][0]  # the first sentence's "Rotor" was an organisation
    assert "dm=PER" in rows[0][0]
