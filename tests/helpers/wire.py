"""Wire reports written from one template about different companies, as a wire service files them
(the shape of the Reuters earnings and dividend reports; companies and figures made up here)."""
from __future__ import annotations

from pathlib import Path

EARNINGS = [
    ("COBALT MILLS INC", "CBMI", "1.20 dlrs", "1.10 dlrs", "3,200,000", "2,900,000"),
    ("HARBOR FREIGHTWAYS CORP", "HFWY", "45 cts", "38 cts", "7,450,000", "6,310,000"),
    ("PRAIRIE SAVINGS BANK", "PSBK", "2.05 dlrs", "1.71 dlrs", "12.4 mln", "10.2 mln"),
    ("NORTHGATE INSTRUMENTS LTD", "NGIL", "88 cts", "91 cts", "5,120,000", "5,300,000"),
]


def earnings(name: str, ticker: str, shr: str, shr_before: str, net: str, net_before: str,
             hour: int = 14, day: str = "2026-03-02", url: str | None = None) -> str:
    """One quarterly earnings report as an inbox text file (each company's figures its own)."""
    link = f"URL: {url}\n" if url else f"URL: https://wire.example/{ticker.lower()}-4q\n"
    seed = sum(map(ord, ticker))
    return (f"Title: {name} <{ticker}> 4TH QTR NET\nOutlet: Wire Service\n{link}"
            f"Date: {day}T{hour:02d}:05:00+00:00\n\n"
            f"Shr {shr} vs {shr_before}\n\nNet {net} vs {net_before}\n\n"
            f"Revs {seed % 90 + 10}.{seed % 7} mln vs {seed % 80 + 9}.{seed % 5} mln\n\n"
            f"Year\n\nShr {seed % 5}.{seed % 97:02d} dlrs vs {seed % 4}.{seed % 89:02d} dlrs\n\n"
            f"Net {seed % 60 + 4}.{seed % 9} mln vs {seed % 50 + 3}.{seed % 8} mln\n\n"
            f"NOTE: {name.title()} said the {seed % 3 + 2}th quarter included a gain of {seed * 1000:,} dlrs "
            f"from the sale of its {('warehouse', 'fleet unit', 'branch offices', 'test lab')[seed % 4]} "
            f"in {('Ohio', 'Texas', 'Ontario', 'Kansas')[seed % 4]}, and that orders for the new year "
            f"were {seed % 20 + 1} pct above those of a year earlier.  Reuter\n")


def story(title: str, body: str, hour: int, day: str = "2026-03-02", outlet: str = "Wire Service") -> str:
    """An ordinary news report as an inbox text file."""
    return f"Title: {title}\nOutlet: {outlet}\nDate: {day}T{hour:02d}:30:00+00:00\n\n{body}\n"


NEWS = [
    ("CENTRAL BANK HOLDS RATES STEADY AS INFLATION EASES",
     "The central bank kept its main lending rate at 4.5 pct on Monday, saying inflation had eased for a third "
     "month and that the economy was growing in line with its forecasts. Governor Lena Marsh said the board "
     "would watch wage settlements closely before deciding whether a cut was needed later in the year. "
     "Economists had expected the decision, though two of them said a cut in June was now likely."),
    ("PORT WORKERS END THREE-DAY STRIKE AFTER PAY ACCORD",
     "Dock workers at the country's largest container port returned to work on Monday after their union "
     "accepted a pay offer of 6 pct over two years, ending a three-day strike that left forty ships waiting "
     "offshore. The port authority said it expected to clear the backlog within a week and that no cargo "
     "had been lost during the stoppage, which was the first at the port in a decade."),
]


def write(inbox: Path, texts: list[str]) -> None:
    """Drop texts into an inbox folder, one file each."""
    for n, text in enumerate(texts):
        (inbox / f"report-{n:02d}.txt").write_text(text, encoding="utf-8")
