"""Fixed ingredients of the demo company: a soft-drink distributor in Spain and Portugal.

S1.6 gives the example of a soft-drink maker whose portfolio is made of restaurants,
food shops, amusement parks and stadiums; the demo company sells to those segments.
"""

from __future__ import annotations

from typing import Final

COMPANY_NAME: Final = "Refrescos del Sur, S.A."

# city, region, postal-code prefix, country, language of names
CITIES: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("Madrid", "Comunidad de Madrid", "28", "ES"),
    ("Alcalá de Henares", "Comunidad de Madrid", "28", "ES"),
    ("Barcelona", "Cataluña", "08", "ES"),
    ("Girona", "Cataluña", "17", "ES"),
    ("Valencia", "Comunitat Valenciana", "46", "ES"),
    ("Alicante", "Comunitat Valenciana", "03", "ES"),
    ("Sevilla", "Andalucía", "41", "ES"),
    ("Málaga", "Andalucía", "29", "ES"),
    ("Granada", "Andalucía", "18", "ES"),
    ("Zaragoza", "Aragón", "50", "ES"),
    ("Bilbao", "País Vasco", "48", "ES"),
    ("Valladolid", "Castilla y León", "47", "ES"),
    ("Murcia", "Región de Murcia", "30", "ES"),
    ("Palma", "Illes Balears", "07", "ES"),
    ("A Coruña", "Galicia", "15", "ES"),
    ("Lisboa", "Lisboa", "1", "PT"),
    ("Porto", "Porto", "4", "PT"),
    ("Braga", "Braga", "4", "PT"),
    ("Faro", "Faro", "8", "PT"),
)
CITY_WEIGHTS: Final = (
    16, 3, 12, 2, 7, 4, 6, 5, 2, 4, 4, 3, 3, 4, 3, 8, 6, 2, 2,
)  # fmt: skip

# Territories: which cities each salesperson slot covers (by index into CITIES).
TERRITORIES: Final[tuple[tuple[str, tuple[int, ...]], ...]] = (
    ("Madrid Norte", (0, 1)),
    ("Madrid Sur", (0, 1)),
    ("Cataluña", (2, 3)),
    ("Levante", (4, 5, 12)),
    ("Andalucía", (6, 7, 8)),
    ("Norte", (9, 10, 11, 14)),
    ("Baleares y Levante", (13, 4)),
    ("Portugal Sul", (15, 18)),
    ("Portugal Norte", (16, 17)),
    ("Cataluña y Aragón", (2, 9)),
)

# segment, industry, size multiplier, share of accounts, trade-name prefixes
SEGMENTS: Final[tuple[tuple[str, str, float, float, tuple[str, ...]], ...]] = (
    ("Restaurantes", "Hostelería", 1.0, 0.24, ("Restaurante", "Casa", "Mesón", "Taberna")),
    ("Bares y cafeterías", "Hostelería", 0.5, 0.24, ("Bar", "Cafetería", "Café")),
    ("Tiendas de alimentación", "Comercio minorista", 0.6, 0.20, ("Alimentación", "Ultramarinos")),
    ("Supermercados", "Gran consumo", 4.0, 0.08, ("Supermercados", "Super")),
    ("Hoteles", "Turismo", 2.0, 0.10, ("Hotel", "Hostal")),
    ("Parques de ocio", "Ocio", 3.0, 0.04, ("Parque", "Aquapark")),
    ("Estadios y recintos", "Deporte", 3.5, 0.03, ("Club Deportivo", "Recinto")),
    ("Distribuidores", "Distribución", 6.0, 0.07, ("Distribuciones", "Comercial")),
)

# family, price range (euros), share of sales
FAMILIES: Final[tuple[tuple[str, float, float, float], ...]] = (
    ("Refrescos", 0.6, 1.6, 0.30),
    ("Aguas", 0.3, 0.9, 0.15),
    ("Zumos", 0.9, 2.4, 0.12),
    ("Bebidas energéticas", 1.1, 2.2, 0.10),
    ("Cervezas sin alcohol", 0.8, 1.8, 0.12),
    ("Tés y cafés fríos", 1.0, 2.0, 0.08),
    ("Snacks", 0.7, 2.5, 0.08),
    ("Material PLV", 15.0, 180.0, 0.05),
)
PRODUCT_WORDS: Final = (
    "Clásico", "Zero", "Limón", "Naranja", "Cola", "Tónica", "Manzana", "Melocotón", "Piña",
    "Tropical", "Frutos rojos", "Menta", "Jengibre", "Mango", "Uva", "Pomelo", "Light",
    "Original", "Premium", "Bio",
)  # fmt: skip
PACKS: Final = ("lata 33 cl", "botella 50 cl", "botella 1,5 l", "pack 6", "caja 24", "barril 20 l")

# Soft drinks: summer peak, a little bump in December.
SEASONALITY: Final = (0.74, 0.76, 0.86, 0.95, 1.06, 1.24, 1.40, 1.38, 1.08, 0.90, 0.78, 0.85)

LOST_REASONS: Final = (
    ("moved", 0.15),
    ("bankrupt", 0.08),
    ("competitor", 0.40),
    ("no_longer_needs", 0.25),
    ("other", 0.12),
)

SOURCES: Final = (
    ("referral", 0.22),
    ("trade_fair", 0.18),
    ("cold_call", 0.20),
    ("web", 0.15),
    ("event", 0.08),
    ("partner", 0.09),
    ("marketplace", 0.08),
)

CAMPAIGNS: Final[tuple[tuple[str, str, int, int], ...]] = (
    # name, source, start month offset from history start, cost in euros
    ("Alimentaria Barcelona", "trade_fair", 2, 38_000),
    ("Salón Gourmets Madrid", "trade_fair", 14, 26_000),
    ("HIP Horeca Professional Expo", "trade_fair", 26, 31_000),
    ("Google Ads hostelería", "web", 0, 12_000),
    ("Google Ads verano", "web", 17, 9_500),
    ("Campaña telefónica bares", "cold_call", 5, 7_800),
    ("Campaña telefónica tiendas", "cold_call", 21, 6_900),
    ("Jornadas distribuidores", "event", 9, 15_000),
    ("Programa socios mayoristas", "partner", 12, 11_000),
    ("Marketplace B2B", "marketplace", 19, 8_400),
    ("Recomienda y gana", "referral", 7, 4_500),
    ("Expo Hotel Lisboa", "trade_fair", 30, 22_000),
)

ACTIVITY_KINDS: Final = (
    ("visit", 0.30),
    ("call", 0.28),
    ("email", 0.20),
    ("meeting", 0.05),
    ("offer", 0.08),
    ("survey", 0.03),
    ("complaint", 0.02),
    ("note", 0.04),
)
ACTIVITY_SUMMARIES: Final = {
    "visit": ("Visita de seguimiento", "Revisión de surtido", "Visita con muestras nuevas"),
    "call": ("Llamada para pedido", "Llamada de seguimiento", "Confirmar entrega"),
    "email": ("Envío de tarifa", "Envío de catálogo", "Confirmación de pedido"),
    "meeting": ("Reunión anual de condiciones", "Reunión con compras"),
    "offer": ("Oferta de verano", "Oferta de nuevos productos", "Propuesta de PLV"),
    "survey": ("Encuesta de satisfacción",),
    "complaint": ("Reclamación por rotura", "Reclamación por retraso"),
    "note": ("Nota interna",),
}
