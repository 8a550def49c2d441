"""The tail's other-script signal counts lines of two or more tokens only (issue 18): a lone web or
mail address under an article in another script is not a block in another language."""
from __future__ import annotations

from digest.sources import clean
from digest.sources.clean import clean_body

KOREAN = (
    "서울시는 목요일 저녁 새 트램 노선 건설 계획을 승인했다고 밝혔다.\n\n"
    "시의회는 이 노선이 기차역과 동쪽 주거 지역을 연결하게 될 것이라고 설명했다.\n\n"
    "공사는 내년 봄에 시작될 예정이며 지방 정부의 예산 확정이 필요하다.\n\n"
    "교통국은 개통 후 하루 약 이만팔천 명의 승객이 이 노선을 이용할 것으로 추산했다.\n\n"
    "일부 주민들은 공사 기간 동안 소음과 교통 혼잡이 심해질 것을 우려하고 있다고 말했다.\n\n"
    "시장은 주민 설명회를 다음 달에 열어 공사 일정과 우회 노선을 자세히 안내하겠다고 약속했다."
)
TAIL = "\n\n정덕현 칼럼니스트\n\nwww.harbour-news.example.kr\n\neditor@harbour-news.example.kr"
ENGLISH = (
    "The harbour master confirmed on Friday that the northern basin will be dredged over the summer.\n\n"
    "Ships with a deep draught will have to use the southern entrance until September.\n\n"
    "Fishermen said the work was overdue and that silt had been building up for several winters.\n\n"
    "The port authority expects the dredgers to remove about forty thousand cubic metres of mud.\n\n"
    "Local businesses were told that the quay would stay open to visitors throughout the works."
)
RUSSIAN_BLOCK = "\n\nДайджест главных новостей\n\nРассылка отправляется каждое утро"


def test_lone_addresses_under_an_article_in_another_script_stay():
    cleaned = clean_body(KOREAN + TAIL)
    assert "www.harbour-news.example.kr" in cleaned and "editor@harbour-news.example.kr" in cleaned
    assert "정덕현 칼럼니스트" in cleaned


def test_a_block_in_another_language_after_the_article_still_goes():
    cleaned = clean_body(ENGLISH + RUSSIAN_BLOCK)
    assert "Рассылка" not in cleaned and "Дайджест" not in cleaned
    assert cleaned.startswith("The harbour master")


def test_the_token_floor_is_what_keeps_the_addresses(monkeypatch):
    """Not a vacuous check: with single tokens counted, the same tail is cut."""
    monkeypatch.setattr(clean, "OTHER_SCRIPT_MIN_TOKENS", 1)
    clean._analyse.cache_clear()
    assert "editor@harbour-news.example.kr" not in clean_body(KOREAN + TAIL)
    clean._analyse.cache_clear()
