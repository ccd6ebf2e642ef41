"""The job's progress fragment names the phase it is in (issue 17: "rows done / total, phase"), in the
reader's language, and drops it once the job has finished (the state's badge says it then)."""

import pytest
from django.urls import reverse

from core import background
from core.models import BackgroundJob

PHASES = {
    "started": ("正在开始", "starting"),
    "checking": ("正在检查各行", "checking the rows"),
    "writing": ("正在写入各行", "writing the rows"),
    "saving": ("正在保存文件", "saving the file"),
}


def _job_in(persona, phase: str, state: str = BackgroundJob.State.RUNNING) -> BackgroundJob:
    job = background.start_job(
        actor=persona("duruan"), kind="core.export", params={}, total=40, dispatch=False
    )
    BackgroundJob.objects.filter(pk=job.pk).update(state=state, phase=phase, done=10)
    return job


@pytest.mark.parametrize("phase", PHASES)
def test_the_progress_fragment_shows_the_phase_in_both_languages(as_user, persona, phase):
    job = _job_in(persona, phase)
    url = reverse("core:job_progress", args=[job.pk])
    chinese = as_user("duruan").get(url).content.decode()
    english_client = as_user("duruan")
    english_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = english_client.get(url).content.decode()
    zh, en = PHASES[phase]
    assert f'data-phase="{phase}"' in chinese and zh in chinese and en not in chinese
    assert en in english and "10 of 40 rows" in english


def test_a_finished_job_shows_its_state_and_no_phase(as_user, persona):
    job = _job_in(persona, "done", state=BackgroundJob.State.DONE)
    fragment = as_user("duruan").get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert 'data-testid="job-phase"' not in fragment and 'data-state="done"' in fragment
