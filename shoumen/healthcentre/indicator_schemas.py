"""API shapes of the health centre's indicators."""

from ninja import Field, Schema

from shoumen.registry.schemas import Text


class IndicatorsIn(Schema):
    unit: Text = Field(
        ...,
        min_length=1,
        max_length=32,
        description="Code or id of a district, street or community",
    )
    year: int | None = Field(None, ge=2000, le=2100, description="Default: this year")


class RatioOut(Schema):
    numerator: int
    denominator: int
    rate: float | None = Field(
        ..., description="Per cent, one decimal; null when nothing to divide"
    )


class ByDiseaseOut(Schema):
    hypertension: RatioOut
    diabetes: RatioOut


class IndicatorsOut(Schema):
    unit: str = Field(..., description="The unit's code")
    year: int
    as_of: str = Field(..., description="The day the figures stand on (ISO date)")
    contract_rate: RatioOut = Field(
        ..., description="Residents with a contract in force ÷ residents"
    )
    standard_management: ByDiseaseOut = Field(
        ..., description="Patients with the year's follow-ups done ÷ patients under management"
    )
    control: ByDiseaseOut = Field(
        ..., description="Patients whose latest follow-up is controlled ÷ patients followed up"
    )
    elderly_check_coverage: RatioOut
    referral_follow_up: RatioOut = Field(
        ..., description="Referrals followed up within the check window ÷ windows closed"
    )
