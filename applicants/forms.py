from django import forms

from licensing.models import ControlledItem


class LicenceCheckForm(forms.Form):
    item_code = forms.ModelChoiceField(
        queryset=ControlledItem.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="— choose an item, or give an HS code —",
    )
    hs_code = forms.CharField(max_length=10, required=False, label="HS code (8 or 10 digits)")
    description = forms.CharField(max_length=300, required=False)
    export_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Intended export date"
    )
    foreign_made = forms.BooleanField(required=False, label="Made outside China")
    chinese_content_value = forms.DecimalField(
        min_value=0, required=False, label="Value of Chinese-origin listed content"
    )
    product_value = forms.DecimalField(required=False, label="Value of the product")
